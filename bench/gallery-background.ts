/**
 * The synthetic background of the identify bench: the scale generator's finger (datasets/
 * scale-gallery.ts, fitted so real probes score against it as against real non-mates) per
 * (seed, subject, finger index). One place, so the builder and the bench's baseline agree.
 */
import type { MinutiaeRecord } from '../engine/index.ts';
import { FINGER_ORDER, scaleFingerRecord } from '../datasets/scale-gallery.ts';

export function backgroundFinger(seed: number, subject: number, finger: number): MinutiaeRecord {
  return scaleFingerRecord(seed, subject, FINGER_ORDER[finger]);
}
