// The template's binary layout, laid out for the scan: a fixed header, minutia coordinates as
// f32 arrays, then one fixed-size cylinder slot per kept minutia. All offsets are relative to
// the template start, so a template is a relocatable byte string the host can store and copy.
//
//   0  u32 magic "MCC1"       4  u32 n (minutiae with a valid cylinder)
//   8  u32 total bytes       12  u32 source minutia count (before cylinder validity)
//  16  f32 x[n], f32 y[n] (y axis up), f32 direction[n], f32 norm[n] (√ of the cylinder's set
//      bits, precomputed because local similarity divides by it); padded to 16 bytes
//  ..  n cylinders: [validity mask words][Nd direction layers × CELL_WORDS words] (128-bit words)
import { CELL_WORDS, DIRECTION_CELLS } from './params';

export const TEMPLATE_MAGIC: u32 = 0x3143434d; // "MCC1" little-endian
export const HEADER_BYTES: i32 = 16;
export const WORD_BYTES: i32 = 16;
/** Bytes of one cylinder: the spatial validity mask, then Nd direction layers. */
export const CYLINDER_BYTES: i32 = WORD_BYTES * CELL_WORDS * (1 + DIRECTION_CELLS);

// @ts-ignore: decorator
@inline export function align16(v: i32): i32 { return (v + 15) & ~15; }
// @ts-ignore: decorator
@inline export function xOffset(n: i32): i32 { return HEADER_BYTES; }
// @ts-ignore: decorator
@inline export function yOffset(n: i32): i32 { return HEADER_BYTES + 4 * n; }
// @ts-ignore: decorator
@inline export function directionOffset(n: i32): i32 { return HEADER_BYTES + 8 * n; }
// @ts-ignore: decorator
@inline export function normOffset(n: i32): i32 { return HEADER_BYTES + 12 * n; }
// @ts-ignore: decorator
@inline export function cylindersOffset(n: i32): i32 { return align16(HEADER_BYTES + 16 * n); }

export function templateBytes(n: i32): i32 {
  return cylindersOffset(n) + n * CYLINDER_BYTES;
}
