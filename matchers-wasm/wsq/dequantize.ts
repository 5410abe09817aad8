// Dequantisation: the coefficients arrive subband after subband (0..59, those with Q = 0
// skipped), each row-major. A bin index q ≠ 0 stands for (q − C)·Q + Z/2 when positive,
// (q + C)·Q − Z/2 when negative, with C the bin centre; everything else is zero.
import { CODED_SUBBANDS } from './params';
import { BANDS, rectX, rectY, rectW, rectH } from './subbands';
import { BIN_WIDTH, ZERO_BIN, binCentre } from './tables';

/** Samples transmitted for the current tables: the sum of the coded subbands' areas. */
export function codedSamples(): i32 {
  let total = 0;
  for (let b = 0; b < CODED_SUBBANDS; b++) {
    if (load<f32>(BIN_WIDTH + <usize>(b << 2)) != 0) total += rectW(BANDS, b) * rectH(BANDS, b);
  }
  return total;
}

/** Writes every coded subband into the (zeroed) image of the given width. */
export function dequantize(coefficients: usize, image: usize, width: i32): void {
  const c = binCentre;
  let k: usize = coefficients;
  for (let b = 0; b < CODED_SUBBANDS; b++) {
    const q = load<f32>(BIN_WIDTH + <usize>(b << 2));
    if (q == 0) continue;
    const halfZero = load<f32>(ZERO_BIN + <usize>(b << 2)) * 0.5;
    const x = rectX(BANDS, b), y = rectY(BANDS, b), w = rectW(BANDS, b), h = rectH(BANDS, b);
    for (let row = 0; row < h; row++) {
      let at = image + (<usize>((y + row) * width + x) << 2);
      for (let col = 0; col < w; col++) {
        const v = load<i32>(k);
        k += 4;
        let f: f32 = 0;
        if (v > 0) f = (<f32>v - c) * q + halfZero;
        else if (v < 0) f = (<f32>v + c) * q - halfZero;
        store<f32>(at, f);
        at += 4;
      }
    }
  }
}
