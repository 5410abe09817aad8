// Stage 4c: eyelashes over the iris, told from dark crypts by their width. A lash is a thin dark
// line: at a lash sample the image is darker than on both sides of it, a lash's half-width
// away, across the lash. A crypt (or a furrow's broad end) is a dark patch wider than that: at
// its centre the two sides are crypt too, and at its rim one side is. So the test is not "how
// dark" (a plain dark threshold under the lid masked crypts with the lashes and made MMU1
// worse, docs/iris-sensors.md) but "how much darker than both neighbours at ±reach, in some
// direction" — a directional black-hat. It runs in the band under the upper lid where lashes
// hang (the iris's top when no lid crosses the iris), and the samples found are grown by one
// sheet sample (a lash's blurred rim responds less than its core). Masked samples drop out of
// their band's column mean (gabor.ts averageBand), so sparse lashes cost few code bits.
import { boundarySample } from './image';
import { irisY, irisRadius } from './limbus';
import { sheetX, sheetY } from './rubber-sheet';
import { usable, ringSpread } from './occlusion';
import { upperV, upperX, upperK } from './eyelids';
import {
  NORM_RADIAL, NORM_ANGULAR, LASH_LINE, LASH_LINE_BAND_SHARE, LASH_LINE_REACH_PX, LASH_LINE_REACH_SHARE,
  LASH_LINE_SPREADS, LASH_LINE_GROW,
} from './params';

/** 1 = a lash sample found by the last maskLashes call (before growing); sheet layout. */
const lashFound = new StaticArray<u8>(NORM_RADIAL * NORM_ANGULAR);
/** Lash samples found by the last call (before growing). */
let lashCount: i32 = 0;

// Directions probed across a lash: horizontal, vertical and the two diagonals (unit steps).
const DIR_X: StaticArray<f32> = [1, 0, 0.70710678, 0.70710678];
const DIR_Y: StaticArray<f32> = [0, 1, 0.70710678, -0.70710678];

export function maskLashes(): void {
  lashCount = 0;
  for (let k = 0; k < NORM_RADIAL * NORM_ANGULAR; k++) unchecked(lashFound[k] = 0);
  if (!LASH_LINE) return;
  const reach = max<f32>(LASH_LINE_REACH_PX, LASH_LINE_REACH_SHARE * irisRadius);
  const band = LASH_LINE_BAND_SHARE * irisRadius;
  const bar = LASH_LINE_SPREADS * ringSpread;
  const top = irisY - irisRadius;
  for (let k = 0; k < NORM_RADIAL * NORM_ANGULAR; k++) {
    if (unchecked(usable[k]) == 0) continue;
    const x = unchecked(sheetX[k]), y = unchecked(sheetY[k]);
    // the upper lid's row at this x (the iris's top when no lid crosses the iris)
    const lid = upperK >= 0 ? upperV + upperK * (x - upperX) * (x - upperX) : top;
    if (y >= lid + band) continue;
    const v = boundarySample(x, y);
    if (v < 0) continue;
    let best: f32 = 0;
    for (let d = 0; d < 4; d++) {
      const dx = reach * unchecked(DIR_X[d]), dy = reach * unchecked(DIR_Y[d]);
      const a = boundarySample(x + dx, y + dy), b = boundarySample(x - dx, y - dy);
      if (a < 0 || b < 0) continue;
      best = max(best, min(a, b) - v);
    }
    if (best > bar) { unchecked(lashFound[k] = 1); lashCount++; }
  }
  if (lashCount == 0) return;
  // grow: each lash sample masks its neighbours within LASH_LINE_GROW rows and columns
  const g = LASH_LINE_GROW;
  for (let i = 0; i < NORM_RADIAL; i++) {
    for (let j = 0; j < NORM_ANGULAR; j++) {
      if (unchecked(lashFound[i * NORM_ANGULAR + j]) == 0) continue;
      for (let di = -g; di <= g; di++) {
        const r = i + di;
        if (r < 0 || r >= NORM_RADIAL) continue;
        for (let dj = -g; dj <= g; dj++) unchecked(usable[r * NORM_ANGULAR + ((j + dj) & (NORM_ANGULAR - 1))] = 0);
      }
    }
  }
}
