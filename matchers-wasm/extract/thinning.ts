// Stage 6: binarisation and thinning. Ridges are where the enhanced image is negative, inside
// the mask. Zhang & Suen's two-subiteration thinning (a 256-entry table per subiteration)
// reduces them to 8-connected lines; a last sequential pass removes the staircase pixels it
// leaves (simple pixels, Yokoi 8-connectivity number 1, that are not line ends), so every line
// pixel has two neighbours and minutiae are unambiguous.
import { BLOCK_SHIFT } from './params';
import { W, H, BW, SW, SH, enhPtr, skelPtr, binPtr, maskPtr, listPtr } from './scratch';

const deletable1 = new StaticArray<u8>(256);
const deletable2 = new StaticArray<u8>(256);

// Neighbour bits, clockwise from north: 0 N, 1 NE, 2 E, 3 SE, 4 S, 5 SW, 6 W, 7 NW.
export function initThinning(): void {
  for (let c = 0; c < 256; c++) {
    let b = 0, a = 0;
    for (let k = 0; k < 8; k++) {
      const v = (c >> k) & 1, next = (c >> ((k + 1) & 7)) & 1;
      b += v;
      if (v == 0 && next == 1) a++;
    }
    const n = c & 1, e = (c >> 2) & 1, s = (c >> 4) & 1, w = (c >> 6) & 1;
    const base = b >= 2 && b <= 6 && a == 1;
    deletable1[c] = base && (n & e & s) == 0 && (e & s & w) == 0 ? 1 : 0;
    deletable2[c] = base && (n & e & w) == 0 && (n & s & w) == 0 ? 1 : 0;
  }
}

/** The 8-neighbour code of the skeleton pixel at index i (any non-zero value counts as set). */
// @ts-ignore: decorator
@inline export function neighbourCode(i: i32): i32 {
  const p = skelPtr + <usize>i;
  const s = <usize>SW;
  return (load<u8>(p - s) != 0 ? 1 : 0) | (load<u8>(p - s + 1) != 0 ? 2 : 0) | (load<u8>(p + 1) != 0 ? 4 : 0)
    | (load<u8>(p + s + 1) != 0 ? 8 : 0) | (load<u8>(p + s) != 0 ? 16 : 0) | (load<u8>(p + s - 1) != 0 ? 32 : 0)
    | (load<u8>(p - 1) != 0 ? 64 : 0) | (load<u8>(p - s - 1) != 0 ? 128 : 0);
}

export function binarise(): void {
  memory.fill(skelPtr, 0, <usize>(SW * SH));
  // A one-pixel empty frame keeps every neighbourhood read inside the plane.
  for (let y = 1; y < H - 1; y++) {
    const maskRow = maskPtr + <usize>((y >> BLOCK_SHIFT) * BW);
    for (let x = 1; x < W - 1; x++) {
      if (load<u8>(maskRow + <usize>(x >> BLOCK_SHIFT)) == 0) continue;
      if (load<f32>(enhPtr + (<usize>(y * SW + x) << 2)) < 0) store<u8>(skelPtr + <usize>(y * SW + x), 1);
    }
  }
  memory.copy(binPtr, skelPtr, <usize>(SW * SH));
}

let listLength: i32 = 0;

/** Marks the listed pixels the table deletes (2: still counts as set for the others), then clears them. */
function subiteration(table: StaticArray<u8>): i32 {
  let changed = 0;
  const s = <usize>SW;
  for (let k = 0; k < listLength; k++) {
    const i = load<i32>(listPtr + (<usize>k << 2));
    const p = skelPtr + <usize>i;
    // A pixel with all four 4-neighbours set is interior: neither subiteration deletes it.
    if (load<u8>(p - s) != 0 && load<u8>(p + s) != 0 && load<u8>(p - 1) != 0 && load<u8>(p + 1) != 0) continue;
    if (unchecked(table[neighbourCode(i)]) != 0) { store<u8>(p, 2); changed++; }
  }
  if (changed > 0) {
    let j = 0;
    for (let k = 0; k < listLength; k++) {
      const i = load<i32>(listPtr + (<usize>k << 2));
      if (load<u8>(skelPtr + <usize>i) == 2) store<u8>(skelPtr + <usize>i, 0);
      else { store<i32>(listPtr + (<usize>j << 2), i); j++; }
    }
    listLength = j;
  }
  return changed;
}

/** Yokoi's 8-connectivity number of a neighbour code. */
function connectivity8(c: i32): i32 {
  // Order E, NE, N, NW, W, SW, S, SE as x1..x8 with complemented values.
  const e = 1 - ((c >> 2) & 1), ne = 1 - ((c >> 1) & 1), n = 1 - (c & 1), nw = 1 - ((c >> 7) & 1);
  const w = 1 - ((c >> 6) & 1), sw = 1 - ((c >> 5) & 1), s = 1 - ((c >> 4) & 1), se = 1 - ((c >> 3) & 1);
  return (e - e * ne * n) + (n - n * nw * w) + (w - w * sw * s) + (s - s * se * e);
}

function removeStaircases(): void {
  for (let y = 1; y < H - 1; y++) {
    for (let x = 1; x < W - 1; x++) {
      const i = y * SW + x;
      if (load<u8>(skelPtr + <usize>i) == 0) continue;
      const c = neighbourCode(i);
      if (popcnt(c) >= 2 && connectivity8(c) == 1) store<u8>(skelPtr + <usize>i, 0);
    }
  }
}

export function thin(): void {
  listLength = 0;
  for (let y = 1; y < H - 1; y++) {
    for (let x = 1; x < W - 1; x++) {
      const i = y * SW + x;
      if (load<u8>(skelPtr + <usize>i) != 0) { store<i32>(listPtr + (<usize>listLength << 2), i); listLength++; }
    }
  }
  // Each iteration peels one pixel from both sides; ridges are at most a period wide.
  for (let iter = 0; iter < 32; iter++) {
    const a = subiteration(deletable1);
    const b = subiteration(deletable2);
    if (a + b == 0) break;
  }
  removeStaircases();
}
