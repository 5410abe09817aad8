// Working memory for one image size: one arena, reserved once and grown only when a larger
// image arrives (no allocation per pixel or per stage). Every stage reads and writes here, and
// the host reads the intermediates back from here (transparency).
import { BLOCK, BLOCK_SHIFT, GABOR_RADIUS, MAX_CANDIDATES } from './params';

/** Image size, px. */
export let W: i32 = 0;
export let H: i32 = 0;
/** Block grid size. */
export let BW: i32 = 0;
export let BH: i32 = 0;
/** Rounded-up image size (whole blocks), the stride of the per-pixel planes. */
export let SW: i32 = 0;
export let SH: i32 = 0;
/** Padded source plane size (GABOR_RADIUS on each side of SW × SH). */
export let PW: i32 = 0;
export let PH: i32 = 0;

/** u8 W×H: the input image, written by the host. */
export let inputPtr: usize = 0;
/** f32 PW×PH: the gray image, padded by edge replication for the filters. */
export let srcPtr: usize = 0;
/** f32 SW×SH: the enhanced (Gabor) image; ridges negative. */
export let enhPtr: usize = 0;
/** u8 SW×SH: binary ridges, then the skeleton (1 = ridge). */
export let skelPtr: usize = 0;
/** u8 SW×SH: the binary image before thinning (kept for transparency), then scratch marks. */
export let binPtr: usize = 0;
/** i32 SW×SH: the ridge pixels still to be examined by thinning. */
export let listPtr: usize = 0;
/** u16 SW×SH: candidate index + 1 at each detected minutia's pixel, 0 elsewhere. */
export let labelPtr: usize = 0;

/** Per-block planes (f32 unless noted), BW×BH. */
export let bxxPtr: usize = 0;
export let byyPtr: usize = 0;
export let bxyPtr: usize = 0;
export let contrastPtr: usize = 0;
export let coherencePtr: usize = 0;
/** Ridge orientation, radians in [0, π), image axes (x right, y down). */
export let orientPtr: usize = 0;
/** Ridge period, px. */
export let periodPtr: usize = 0;
/** u8: 1 = finger. */
export let maskPtr: usize = 0;
/** f32: distance to the nearest background block or image edge, px. */
export let borderDistPtr: usize = 0;
/** Scratch planes for smoothing and flood fills (BW×BH each). */
export let tmpAPtr: usize = 0;
export let tmpBPtr: usize = 0;
export let tmpCPtr: usize = 0;
export let queuePtr: usize = 0;

/** Minutia candidates: MAX_CANDIDATES records of CANDIDATE_FLOATS f32 (see minutiae.ts). */
export const CANDIDATE_FLOATS: i32 = 8;
export let candidatesPtr: usize = 0;

let arena: usize = 0;
let arenaBytes: usize = 0;

// @ts-ignore: decorator
@inline function align16(n: usize): usize { return (n + 15) & ~(<usize>15); }

/** Lays out the planes for a W×H image; grows the arena when needed. */
export function setSize(width: i32, height: i32): void {
  W = width; H = height;
  BW = (width + BLOCK - 1) >> BLOCK_SHIFT;
  BH = (height + BLOCK - 1) >> BLOCK_SHIFT;
  SW = BW << BLOCK_SHIFT; SH = BH << BLOCK_SHIFT;
  PW = SW + 2 * GABOR_RADIUS; PH = SH + 2 * GABOR_RADIUS;
  const px = <usize>(SW * SH);
  const blocks = <usize>(BW * BH);
  const sizes: StaticArray<usize> = [
    align16(px), align16(<usize>(PW * PH) * 4), align16(px * 4), align16(px), align16(px), align16(px * 2), align16(px * 4),
    align16(blocks * 4), align16(blocks * 4), align16(blocks * 4), align16(blocks * 4), align16(blocks * 4),
    align16(blocks * 4), align16(blocks * 4), align16(blocks), align16(blocks * 4),
    align16(blocks * 4), align16(blocks * 4), align16(blocks * 4), align16(blocks * 4),
    align16(<usize>(MAX_CANDIDATES * CANDIDATE_FLOATS * 4)),
  ];
  let total: usize = 0;
  for (let i = 0; i < sizes.length; i++) total += sizes[i];
  if (total > arenaBytes) {
    if (arena != 0) heap.free(arena); // the arena is the most recent block: the stub runtime reclaims it
    arena = heap.alloc(total + 16);
    arenaBytes = total;
  }
  let p = align16(arena);
  inputPtr = p; p += sizes[0];
  srcPtr = p; p += sizes[1];
  enhPtr = p; p += sizes[2];
  skelPtr = p; p += sizes[3];
  binPtr = p; p += sizes[4];
  labelPtr = p; p += sizes[5];
  listPtr = p; p += sizes[6];
  bxxPtr = p; p += sizes[7];
  byyPtr = p; p += sizes[8];
  bxyPtr = p; p += sizes[9];
  contrastPtr = p; p += sizes[10];
  coherencePtr = p; p += sizes[11];
  orientPtr = p; p += sizes[12];
  periodPtr = p; p += sizes[13];
  maskPtr = p; p += sizes[14];
  borderDistPtr = p; p += sizes[15];
  tmpAPtr = p; p += sizes[16];
  tmpBPtr = p; p += sizes[17];
  tmpCPtr = p; p += sizes[18];
  queuePtr = p; p += sizes[19];
  candidatesPtr = p;
}
