// Quality stage: how sharp the iris texture is, and how much of the iris is hidden. A defocused
// or motion-blurred capture keeps its boundaries (so it localises and unwraps) but loses the
// fine texture the code is made of: it then matches its own eye no better than chance would.
// Measured on the normalised iris, over usable samples only, so lids and lashes don't count.
import { NORM_RADIAL, NORM_ANGULAR } from './params';
import { sheet } from './rubber-sheet';
import { usable } from './occlusion';

/**
 * Focus measure: mean |4-neighbour Laplacian| over usable samples whose neighbours are usable
 * too, as a percentage of their mean gray level (so exposure and contrast stretch do not move
 * it). Angular neighbours wrap around; 0 when no sample qualifies.
 */
export function measureSharpness(): f32 {
  let energy: f64 = 0, level: f64 = 0;
  let samples = 0;
  for (let r = 1; r < NORM_RADIAL - 1; r++) {
    for (let c = 0; c < NORM_ANGULAR; c++) {
      const i = r * NORM_ANGULAR + c;
      const left = r * NORM_ANGULAR + (c == 0 ? NORM_ANGULAR - 1 : c - 1);
      const right = r * NORM_ANGULAR + (c == NORM_ANGULAR - 1 ? 0 : c + 1);
      const up = i - NORM_ANGULAR, down = i + NORM_ANGULAR;
      if ((unchecked(usable[i]) & unchecked(usable[left]) & unchecked(usable[right]) & unchecked(usable[up]) & unchecked(usable[down])) == 0) continue;
      const centre = unchecked(sheet[i]);
      energy += Math.abs(<f64>(4 * centre - unchecked(sheet[left]) - unchecked(sheet[right]) - unchecked(sheet[up]) - unchecked(sheet[down])));
      level += <f64>centre;
      samples++;
    }
  }
  return samples == 0 || level <= 0 ? 0 : <f32>(100.0 * energy / level);
}

/** Share of the normalised iris hidden by lids, lashes or reflections (0–1). */
export function occludedShare(): f32 {
  let hidden = 0;
  for (let i = 0; i < NORM_RADIAL * NORM_ANGULAR; i++) hidden += unchecked(usable[i]) == 0 ? 1 : 0;
  return <f32>hidden / <f32>(NORM_RADIAL * NORM_ANGULAR);
}
