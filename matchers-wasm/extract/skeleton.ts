// Walking the skeleton: neighbour offsets, and a ridge tracer that follows a line from a
// minutia until it meets another minutia, ends, or has gone the number of steps asked for.
import { SW, skelPtr, labelPtr } from './scratch';

// Neighbour offsets in the order of thinning.ts's code bits: N, NE, E, SE, S, SW, W, NW.
export const DX: StaticArray<i32> = [0, 1, 1, 1, 0, -1, -1, -1];
export const DY: StaticArray<i32> = [-1, -1, 0, 1, 1, 1, 0, -1];

/** Where the last trace stopped (pixel index), and the candidate label it met there (0: none). */
export let traceEnd: i32 = 0;
export let traceHit: i32 = 0;

// @ts-ignore: decorator
@inline export function isSet(i: i32): bool { return load<u8>(skelPtr + <usize>i) != 0; }
// @ts-ignore: decorator
@inline export function labelAt(i: i32): i32 { return <i32>load<u16>(labelPtr + (<usize>i << 1)); }

function adjacent(a: i32, b: i32): bool {
  const ax = a % SW, ay = a / SW, bx = b % SW, by = b / SW;
  return abs(ax - bx) <= 1 && abs(ay - by) <= 1;
}

/**
 * Follows the line from `start` through its neighbour `first` for at most `maxSteps` pixels.
 * Returns the steps taken; traceEnd / traceHit say where and at which candidate it stopped.
 */
export function trace(start: i32, first: i32, maxSteps: i32): i32 {
  let prev = start, cur = first, steps = 1;
  traceHit = 0;
  while (true) {
    const lab = labelAt(cur);
    if (lab != 0 && cur != start) { traceHit = lab; break; }
    if (steps >= maxSteps) break;
    let chosen = -1, fallback = -1;
    for (let k = 0; k < 8; k++) {
      const q = cur + unchecked(DY[k]) * SW + unchecked(DX[k]);
      if (q == prev || q == start || !isSet(q)) continue;
      if (adjacent(q, prev)) { if (fallback < 0) fallback = q; continue; }
      if (chosen < 0) chosen = q;
    }
    if (chosen < 0) chosen = fallback;
    if (chosen < 0) break;
    prev = cur; cur = chosen; steps++;
  }
  traceEnd = cur;
  return steps;
}
