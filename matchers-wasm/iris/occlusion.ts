// Stage 4: what of the ring is not iris. Simple and stated plainly: a robust intensity model
// of the ring (median and mean absolute deviation over the lateral sectors, where lids rarely
// reach) marks samples far brighter (eyelid skin, sclera, reflections) or far darker
// (eyelashes, lash shadow) than iris; in the upper and lower sectors an eyelid covers the
// ring from the limbus inwards, so from the first run of occluded samples outwards all is
// masked. No eyelid curve is fitted (a known limit: an eyelid edge of iris-like gray passes).
import { sheet } from './rubber-sheet';
import {
  NORM_RADIAL, NORM_ANGULAR, SPECULAR_LEVEL, OCCLUSION_BRIGHT_SPREADS, OCCLUSION_DARK_SPREADS,
  LID_SECTOR_HALF_ANGLE, LID_RUN, OCCLUSION_STATS_HALF_ANGLE, OCCLUSION_STATS_INNER_SHARE,
} from './params';

/** 1 = iris, 0 = occluded or outside the image; same layout as sheet. */
export const usable = new StaticArray<u8>(NORM_RADIAL * NORM_ANGULAR);
/** 1 = masked by the bright threshold (not saturated) in the last maskOcclusions call (bright-islands.ts). */
export const brightFound = new StaticArray<u8>(NORM_RADIAL * NORM_ANGULAR);
const histogram = new StaticArray<i32>(256);

/** Median and spread of the last maskOcclusions call (for the transparency exports). */
export let ringMedian: f32 = 0;
export let ringSpread: f32 = 0;

export function maskOcclusions(): void {
  ringStatistics();
  const high = ringMedian + OCCLUSION_BRIGHT_SPREADS * ringSpread;
  const low = ringMedian - OCCLUSION_DARK_SPREADS * ringSpread;
  for (let k = 0; k < NORM_RADIAL * NORM_ANGULAR; k++) {
    const v = unchecked(sheet[k]);
    unchecked(usable[k] = <u8>(v >= 0 && v < <f32>SPECULAR_LEVEL && v <= high && v >= low));
    unchecked(brightFound[k] = <u8>(v > high && v < <f32>SPECULAR_LEVEL));
  }
  if (LID_RUN <= 0) return; // off: the eyelid curves (eyelids.ts) mask the lids
  for (let j = 0; j < NORM_ANGULAR; j++) {
    if (inLidSector(j)) maskFromFirstRun(j);
  }
}

/** Angle j (clockwise from right, y down) is within LID_SECTOR_HALF_ANGLE of straight up or down. */
function inLidSector(j: i32): bool {
  const t = <f32>(2.0 * Math.PI) * <f32>j / <f32>NORM_ANGULAR;
  return Mathf.abs(Mathf.cos(t)) < Mathf.sin(LID_SECTOR_HALF_ANGLE);
}

function maskFromFirstRun(j: i32): void {
  let run = 0;
  for (let i = 0; i < NORM_RADIAL; i++) {
    run = unchecked(usable[i * NORM_ANGULAR + j]) == 0 ? run + 1 : 0;
    if (run >= LID_RUN) {
      for (let k = i - run + 1; k < NORM_RADIAL; k++) unchecked(usable[k * NORM_ANGULAR + j] = 0);
      return;
    }
  }
}

/** Median and mean absolute deviation of the in-image samples of the lateral sectors' inner part. */
function ringStatistics(): void {
  for (let g = 0; g < 256; g++) unchecked(histogram[g] = 0);
  let n = 0;
  for (let j = 0; j < NORM_ANGULAR; j++) {
    const t = <f32>(2.0 * Math.PI) * <f32>j / <f32>NORM_ANGULAR;
    if (Mathf.abs(Mathf.sin(t)) > Mathf.sin(OCCLUSION_STATS_HALF_ANGLE)) continue;
    for (let i = 0; i < <i32>(OCCLUSION_STATS_INNER_SHARE * <f32>NORM_RADIAL); i++) {
      const v = unchecked(sheet[i * NORM_ANGULAR + j]);
      if (v < 0 || v >= <f32>SPECULAR_LEVEL) continue;
      unchecked(histogram[<i32>v]++);
      n++;
    }
  }
  let seen = 0, median = 0;
  for (; median < 255; median++) {
    seen += unchecked(histogram[median]);
    if (2 * seen >= n) break;
  }
  let deviation: f64 = 0;
  for (let g = 0; g < 256; g++) deviation += <f64>unchecked(histogram[g]) * <f64>abs(g - median);
  ringMedian = <f32>median;
  // floor of 2 gray levels: a flat synthetic ring must not mask its own noise
  ringSpread = max<f32>(2.0, n > 0 ? <f32>(deviation / <f64>n) : 0);
}
