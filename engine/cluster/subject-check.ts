/**
 * The checks an insert must pass before it enters the log: the store's subject validation and
 * each template parsed by its matcher, as DedupEngine.insert does. Refused here, a bad record
 * never reaches the stream, where every replica would have to skip it.
 */
import { FingerMatcher } from '../finger-matcher.ts';
import { IrisMatcher } from '../iris-matcher.ts';
import { assertTemplateVersion } from '../gallery/dedup-engine.ts';
import { FaceSubjects } from '../gallery/face-subjects.ts';
import { DEFAULT_STORE_LIMITS, validateSubject, type Subject } from '../store/subject.ts';

export class SubjectCheck {
  readonly #fingers = new FingerMatcher();
  #irises: IrisMatcher | undefined;

  check(subject: Subject): void {
    validateSubject(subject, DEFAULT_STORE_LIMITS);
    for (const [position, t] of Object.entries(subject.fingers ?? {})) {
      if (t === undefined) continue;
      assertTemplateVersion('finger', position, t);
      this.#fingers.templateFromBytes(t.bytes);
    }
    for (const [side, t] of Object.entries(subject.irises ?? {})) {
      if (t === undefined) continue;
      assertTemplateVersion('iris', side, t);
      (this.#irises ??= new IrisMatcher()).templateFromBytes(t.bytes);
    }
    FaceSubjects.validate(subject.face);
  }
}
