/**
 * Pool worker of the identify bench: makes synthetic background subjects (minutiae from the
 * seeded generator, then MCC templates) in parallel. Deterministic: subject i's templates
 * depend only on (seed, i, finger), whichever worker builds them.
 */
import { FingerMatcher } from '../engine/index.ts';
import { backgroundFinger } from './gallery-background.ts';

export interface BuildTask {
  readonly seed: number;
  readonly firstSubject: number;
  readonly subjects: number;
  readonly fingers: number;
}

export interface BuildResult {
  /** All templates back to back, subject-major then finger. */
  readonly bytes: Uint8Array;
  readonly lengths: Uint32Array;
}

const matcher = new FingerMatcher();

export default function buildBackground(task: BuildTask): BuildResult {
  const parts: Uint8Array[] = [];
  for (let s = task.firstSubject; s < task.firstSubject + task.subjects; s++) {
    for (let f = 0; f < task.fingers; f++) {
      const record = backgroundFinger(task.seed, s, f);
      parts.push(matcher.createTemplate(record.views[0].minutiae, { resolutionPxPerCm: record.resolutionX }).bytes);
    }
  }
  const lengths = Uint32Array.from(parts, (p) => p.length);
  const bytes = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return { bytes, lengths };
}
