/**
 * Stage 4a (optional) — local contrast: contrast-limited adaptive histogram equalisation
 * (CLAHE) of the aligned chip's luminance. The chip is split into `grid` × `grid` tiles; each
 * tile's gray-level histogram is clipped at `clipLimit` times its mean bin count (the excess
 * spread over all bins, so flat regions are not blown into noise), its cumulative sum becomes
 * that tile's level mapping, and every pixel takes the bilinear blend of the four nearest
 * tiles' mappings. A face lit from one side (one cheek in shadow, the other bright) gets the
 * same local contrast on both sides, which a global gain cannot do. Colour is kept: each
 * channel is shifted by the change of its pixel's luminance.
 */

/** The CLAHE step's parameters: tiles per chip side, and the histogram clip as a multiple of the mean bin count (≤ 1 would flatten every tile to its mean). */
export interface ClaheParams { readonly grid: number; readonly clipLimit: number }

const LEVELS = 256;

/** A CLAHE'd copy of an RGB float chip (side² × 3, 0–255). */
export function equaliseLocalContrast(chip: Float32Array, side: number, params: ClaheParams): Float32Array {
  const { grid, clipLimit } = params;
  if (!(grid >= 1) || !(clipLimit > 1) || chip.length !== side * side * 3) throw new RangeError(`CLAHE: grid ${grid}, clip ${clipLimit}, chip of ${chip.length} values for side ${side}`);
  const luma = new Float32Array(side * side);
  for (let p = 0, o = 0; p < luma.length; p++, o += 3) luma[p] = 0.299 * chip[o] + 0.587 * chip[o + 1] + 0.114 * chip[o + 2];
  const tile = side / grid;
  const maps = tileMappings(luma, side, grid, tile, clipLimit);
  const out = new Float32Array(chip.length);
  for (let y = 0; y < side; y++) {
    // Tile-centre coordinates: between the centres of tiles ty0 and ty0 + 1, weight wy on the second (clamped at the borders).
    const fy = Math.min(grid - 1, Math.max(0, (y + 0.5) / tile - 0.5));
    const ty0 = Math.min(grid - 2, Math.floor(fy)), wy = grid === 1 ? 0 : fy - ty0;
    for (let x = 0; x < side; x++) {
      const fx = Math.min(grid - 1, Math.max(0, (x + 0.5) / tile - 0.5));
      const tx0 = Math.min(grid - 2, Math.floor(fx)), wx = grid === 1 ? 0 : fx - tx0;
      const p = y * side + x, level = Math.max(0, Math.min(LEVELS - 1, Math.round(luma[p])));
      const at = (ty: number, tx: number): number => maps[(Math.max(0, ty) * grid + Math.max(0, tx)) * LEVELS + level];
      const top = (1 - wx) * at(ty0, tx0) + wx * at(ty0, tx0 + 1);
      const bottom = (1 - wx) * at(ty0 + 1, tx0) + wx * at(ty0 + 1, tx0 + 1);
      const shift = (1 - wy) * top + wy * bottom - luma[p];
      const o = 3 * p;
      for (let c = 0; c < 3; c++) out[o + c] = Math.max(0, Math.min(255, chip[o + c] + shift));
    }
  }
  return out;
}

/** Each tile's clipped-histogram level mapping (grid² × 256 output levels, 0–255). */
function tileMappings(luma: Float32Array, side: number, grid: number, tile: number, clipLimit: number): Float32Array {
  const maps = new Float32Array(grid * grid * LEVELS);
  const histogram = new Float64Array(LEVELS);
  for (let ty = 0; ty < grid; ty++) {
    for (let tx = 0; tx < grid; tx++) {
      histogram.fill(0);
      const y0 = Math.round(ty * tile), y1 = Math.round((ty + 1) * tile), x0 = Math.round(tx * tile), x1 = Math.round((tx + 1) * tile);
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) histogram[Math.max(0, Math.min(LEVELS - 1, Math.round(luma[y * side + x])))]++;
      const count = (y1 - y0) * (x1 - x0);
      const limit = clipLimit * count / LEVELS;
      let excess = 0;
      for (let v = 0; v < LEVELS; v++) if (histogram[v] > limit) { excess += histogram[v] - limit; histogram[v] = limit; }
      const spread = excess / LEVELS;
      const map = (ty * grid + tx) * LEVELS;
      let cumulative = 0;
      for (let v = 0; v < LEVELS; v++) {
        cumulative += histogram[v] + spread;
        maps[map + v] = (LEVELS - 1) * cumulative / count;
      }
    }
  }
  return maps;
}
