/** Normalised iris sheets for tests that bypass segmentation (IrisMatcher.templateFromNormalised). */

/** The kernel's sheet: NORM_RADIAL rows × NORM_ANGULAR columns (matchers-wasm/iris/params.ts). */
export const SHEET_ROWS = 32, SHEET_COLUMNS = 256;
/** A mask with every sample usable. */
export const ALL_USABLE = new Uint8Array(SHEET_ROWS * SHEET_COLUMNS).fill(1);

/** Independent gray noise per sample (a seeded LCG), mean 120. */
export function noiseSheet(seed: number): Float32Array {
  let x = seed >>> 0;
  const gray = new Float32Array(SHEET_ROWS * SHEET_COLUMNS);
  for (let k = 0; k < gray.length; k++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    gray[k] = 80 + (x / 2 ** 32) * 80;
  }
  return gray;
}
