// The iris template's binary layout ("IRC4"), laid out for the scan: a 16-byte header, then
// the code and its mask, each CODE_BYTES long (a multiple of 16: whole SIMD words).
//
//   0  u32 magic "IRC4"     4  u16 total bytes    6  u16 code bits (CODE_ROWS × GABOR_SCALES × 2 × CODE_ANGLES)
//   8  u32 usable bits      12 f32 degrees-of-freedom weight (code-freedom.ts; 1 = a typical code)
//  16  code  (bit i = byte i >> 3, bit i & 7)
//  16 + CODE_BYTES  mask (1 = usable)
// Bit order is angle-major: bit (a·BITS_PER_ANGLE + (scale·CODE_ROWS + row)·2 + phase), so a
// rotation by one code position moves every bit by BITS_PER_ANGLE.
import { CODE_ANGLES, CODE_ROWS, GABOR_SCALES } from './params';

// "IRC4": the IRC3 code with its degrees-of-freedom weight in the header (issue 14, fourth pass);
// "IRC3": log-Gabor codes of a ring sampled to 0.90 of the limbus (NORM_OUTER_MARGIN 0.10);
// "IRC2" sampled to 0.85 (same layout, but each code row lies at other radii), "IRC1" held Gabor
// codes: older templates are refused (ERR_TEMPLATE_CORRUPT) rather than compared off-scale.
export const TEMPLATE_MAGIC: u32 = 0x34435249; // "IRC4" little-endian
/** Header offsets, bytes. */
export const HEADER_TOTAL_BYTES: i32 = 4;
export const HEADER_CODE_BITS: i32 = 6;
export const HEADER_USABLE_BITS: i32 = 8;
export const HEADER_FREEDOM_WEIGHT: i32 = 12;
export const HEADER_BYTES: i32 = 16;
export const BITS_PER_ANGLE: i32 = CODE_ROWS * GABOR_SCALES * 2;
export const CODE_BITS: i32 = BITS_PER_ANGLE * CODE_ANGLES;
export const CODE_BYTES: i32 = CODE_BITS >> 3;
/** 128-bit words in a code (and in a mask). */
export const CODE_WORDS: i32 = CODE_BYTES >> 4;
export const TEMPLATE_BYTES: i32 = HEADER_BYTES + 2 * CODE_BYTES;

if (CODE_BITS % 128 != 0) ERROR('the code must fill whole 128-bit words');
if (TEMPLATE_BYTES > 0xffff) ERROR('the header holds the template size in 16 bits');

// @ts-ignore: decorator
@inline export function codeOffset(): i32 { return HEADER_BYTES; }
// @ts-ignore: decorator
@inline export function maskOffset(): i32 { return HEADER_BYTES + CODE_BYTES; }
