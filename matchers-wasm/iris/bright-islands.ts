// Stage 4b2 (after the eyelid curves, before the lash lines of stage 4c): bright islands are iris. The
// bright threshold of occlusion.ts (median + spreads × spread of the ring's lateral inner
// sectors) stands for eyelid skin and sclera, and those
// enter the ring from outside: they cover it from the limbus inwards. A bright patch enclosed
// by iris is not lid or sclera but lighter iris — MMU1's lower iris (lit from below, or glare) runs 3–6
// spreads above the lateral sectors' median, and the audit (bench/iris-mask-audit.ts) found its
// masked code bits agreeing between captures of an eye as well as the bits kept (Hamming
// distance 0.25 against 0.25). So bright samples are masked only when connected (4-neighbours
// on the sheet, wrapping around the ring) to the sheet's outermost row through occluded
// samples (bright, saturated or beyond a lid curve); the others are released. Saturated
// samples (reflections) stay masked whatever their connection, and so do lid samples.
import { sheet } from './rubber-sheet';
import { usable, brightFound } from './occlusion';
import { lidFound } from './eyelids';
import { NORM_RADIAL, NORM_ANGULAR, SPECULAR_LEVEL, BRIGHT_ISLANDS } from './params';

const N: i32 = NORM_RADIAL * NORM_ANGULAR;
/** 1 = occluded sample reached from the outer row. */
const reached = new StaticArray<u8>(N);
const stack = new StaticArray<i32>(N);

/** Occluded samples a lid or the sclera can be made of: bright, saturated or beyond a lid. */
// @ts-ignore: decorator
@inline function passable(k: i32): bool {
  return unchecked(usable[k]) == 0 && (unchecked(brightFound[k]) != 0 || unchecked(lidFound[k]) != 0 || unchecked(sheet[k]) >= <f32>SPECULAR_LEVEL);
}

export function releaseBrightIslands(): void {
  if (!BRIGHT_ISLANDS) return;
  for (let k = 0; k < N; k++) unchecked(reached[k] = 0);
  let top = 0;
  for (let j = 0; j < NORM_ANGULAR; j++) {
    const k = (NORM_RADIAL - 1) * NORM_ANGULAR + j;
    if (passable(k)) { unchecked(reached[k] = 1); unchecked(stack[top++] = k); }
  }
  while (top > 0) {
    const k = unchecked(stack[--top]);
    const i = k / NORM_ANGULAR, j = k % NORM_ANGULAR;
    if (i > 0) top = visit(k - NORM_ANGULAR, top);
    if (i < NORM_RADIAL - 1) top = visit(k + NORM_ANGULAR, top);
    top = visit(i * NORM_ANGULAR + ((j + 1) & (NORM_ANGULAR - 1)), top);
    top = visit(i * NORM_ANGULAR + ((j - 1) & (NORM_ANGULAR - 1)), top);
  }
  for (let k = 0; k < N; k++) {
    if (unchecked(brightFound[k]) != 0 && unchecked(reached[k]) == 0 && unchecked(lidFound[k]) == 0 && unchecked(sheet[k]) < <f32>SPECULAR_LEVEL) unchecked(usable[k] = 1);
  }
}

// @ts-ignore: decorator
@inline function visit(q: i32, top: i32): i32 {
  if (unchecked(reached[q]) != 0 || !passable(q)) return top;
  unchecked(reached[q] = 1);
  unchecked(stack[top] = q);
  return top + 1;
}
