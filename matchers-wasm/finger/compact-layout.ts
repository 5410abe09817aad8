// The compact in-RAM layout ("MCK1") of a template: the very content of an MCC1 template
// (layout.ts), packed for the 1:N scan. Lossless, so scores equal MCC1 scores bit for bit; the
// engine derives it at load (engine/finger-compact.ts) and keeps MCC1 as the stored format.
// What it saves per cylinder: the 16 unused bits of each 128-bit word (112 in-circle cells,
// 14 bytes a word), the f32 norm (a u16 bit count: norm = √count), and the validity mask of
// every cylinder whose cells are all valid (about half: one shared all-valid entry instead).
//
//   0  u32 magic "MCK1"       4  u32 n (cylinders)       8  u32 total bytes
//  12  u32 source minutia count (offsets 4, 8 and 12 mean what they mean in MCC1)
//  16  u32 explicit masks m  20..31 zero
//  32  f32 x[n], f32 y[n] (y up), f32 direction[n]      (as MCC1: directions ascending)
//  ..  u16 bit count[n], u8 valid cells[n], u8 mask index[n]   (index 0: all cells valid)
//  ..  (1 + m) masks of MASK_BYTES, entry 0 the all-valid mask
//  ..  n cylinders of DIRECTION_CELLS layers × LAYER_BYTES
//  ..  zero padding to a multiple of 16 (≥ 2 bytes: a 16-byte load of the last word stays inside)
import { DIRECTION_CELLS } from './params';

export const COMPACT_MAGIC: u32 = 0x314b434d; // "MCK1" little-endian
export const COMPACT_HEADER_BYTES: i32 = 32;
/** Bytes of one packed cell word (112 in-circle cells); loads read 16 and mask the rest. */
export const LAYER_BYTES: i32 = 14;
export const MASK_BYTES: i32 = LAYER_BYTES;
export const PACKED_CYLINDER_BYTES: i32 = LAYER_BYTES * DIRECTION_CELLS;

// @ts-ignore: decorator
@inline export function compactX(n: i32): i32 { return COMPACT_HEADER_BYTES; }
// @ts-ignore: decorator
@inline export function compactY(n: i32): i32 { return COMPACT_HEADER_BYTES + 4 * n; }
// @ts-ignore: decorator
@inline export function compactDirection(n: i32): i32 { return COMPACT_HEADER_BYTES + 8 * n; }
// @ts-ignore: decorator
@inline export function compactBitCount(n: i32): i32 { return COMPACT_HEADER_BYTES + 12 * n; }
// @ts-ignore: decorator
@inline export function compactValidCells(n: i32): i32 { return COMPACT_HEADER_BYTES + 14 * n; }
// @ts-ignore: decorator
@inline export function compactMaskIndex(n: i32): i32 { return COMPACT_HEADER_BYTES + 15 * n; }
// @ts-ignore: decorator
@inline export function compactMasks(n: i32): i32 { return COMPACT_HEADER_BYTES + 16 * n; }
// @ts-ignore: decorator
@inline export function compactCylinders(n: i32, m: i32): i32 { return compactMasks(n) + (1 + m) * MASK_BYTES; }

export function compactBytes(n: i32, m: i32): i32 {
  return (compactCylinders(n, m) + n * PACKED_CYLINDER_BYTES + 2 + 15) & ~15;
}
