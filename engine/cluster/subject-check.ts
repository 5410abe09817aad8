/**
 * The checks an insert must pass before it enters the log: the store's subject validation and
 * each template parsed by its matcher, as DedupEngine.insert does. Refused here, a bad record
 * never reaches the stream, where every replica would have to skip it.
 */
import { EngineError } from '../errors.ts';
import { FingerMatcher } from '../finger-matcher.ts';
import { IrisMatcher } from '../iris-matcher.ts';
import { FINGER_TEMPLATE_VERSION, IRIS_TEMPLATE_VERSION, irisTemplateVersionError } from '../gallery/dedup-engine.ts';
import { FaceSubjects } from '../gallery/face-subjects.ts';
import { DEFAULT_STORE_LIMITS, validateSubject, type Subject } from '../store/subject.ts';

export class SubjectCheck {
  readonly #fingers = new FingerMatcher();
  #irises: IrisMatcher | undefined;

  check(subject: Subject): void {
    validateSubject(subject, DEFAULT_STORE_LIMITS);
    for (const [position, t] of Object.entries(subject.fingers ?? {})) {
      if (t === undefined) continue;
      if (t.modality !== 'finger' || t.version !== FINGER_TEMPLATE_VERSION) {
        throw new EngineError('ERR_TEMPLATE_VERSION', `finger ${position}: expected an MCC finger template (version ${FINGER_TEMPLATE_VERSION})`);
      }
      this.#fingers.templateFromBytes(t.bytes);
    }
    for (const [side, t] of Object.entries(subject.irises ?? {})) {
      if (t === undefined) continue;
      if (t.modality !== 'iris' || t.version !== IRIS_TEMPLATE_VERSION) throw irisTemplateVersionError(side, t);
      (this.#irises ??= new IrisMatcher()).templateFromBytes(t.bytes);
    }
    FaceSubjects.validate(subject.face);
  }
}
