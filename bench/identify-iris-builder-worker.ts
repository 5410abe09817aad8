/**
 * Pool worker of the iris identify bench's gallery builder: generated background subjects, two
 * eyes each (bench/identify-iris-background.ts). Deterministic: subject i's codes depend only on
 * (seed, i) and the masks given, whichever worker builds them.
 */
import { IrisBackground } from './identify-iris-background.ts';

export interface IrisBuildTask {
  readonly seed: number;
  readonly firstSubject: number;
  readonly subjects: number;
  /** Real templates whose masks the generated codes borrow (the same list for every task). */
  readonly masks: readonly Uint8Array[];
}

let background: IrisBackground | undefined;

/** Returns the subjects' codes back to back: subject-major, right eye then left. */
export default function buildIrisBackground(task: IrisBuildTask): Uint8Array {
  background ??= new IrisBackground(task.masks);
  const parts: Uint8Array[] = [];
  for (let s = task.firstSubject; s < task.firstSubject + task.subjects; s++) {
    parts.push(background.code(task.seed, 2 * s), background.code(task.seed, 2 * s + 1));
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
