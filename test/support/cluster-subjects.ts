/** Subjects and probes for the cluster tests: the scale gallery's synthetic fingers (two per subject), as MCC templates. */
import { FINGER_TEMPLATE_VERSION, FingerMatcher, faceTemplateToBytes, type Probe, type Subject } from '../../engine/index.ts';
import { scaleFingerRecord } from '../../datasets/scale-gallery.ts';
import { mulberry32 } from '../../datasets/synthetic.ts';

const SEED = 13;
const POSITIONS = [2, 7] as const;
const matcher = new FingerMatcher();
const cache = new Map<string, Uint8Array>();

function template(subject: number, position: number, noise: number): Uint8Array {
  const key = `${subject}/${position}/${noise}`;
  let bytes = cache.get(key);
  if (bytes === undefined) {
    const record = scaleFingerRecord(SEED, subject, position);
    let minutiae = record.views[0].minutiae;
    if (noise > 0) {
      const random = mulberry32(noise * 7919 + subject);
      minutiae = minutiae.filter(() => random() > 0.2).map((m) => ({ ...m, x: m.x + Math.round((random() - 0.5) * 4), y: m.y + Math.round((random() - 0.5) * 4) }));
    }
    bytes = matcher.createTemplate(minutiae, { resolutionPxPerCm: record.resolutionX }).bytes;
    cache.set(key, bytes);
  }
  return bytes;
}

export function clusterReferenceId(index: number): string {
  return `cl-${String(index).padStart(7, '0')}`;
}

export function clusterSubject(index: number): Subject {
  const fingers: Record<number, { modality: 'finger'; version: number; bytes: Uint8Array }> = {};
  for (const p of POSITIONS) fingers[p] = { modality: 'finger', version: FINGER_TEMPLATE_VERSION, bytes: template(index, p, 0) };
  return { referenceId: clusterReferenceId(index), fingers };
}

/** A noisy second impression of subject `index` (its mate), both fingers. */
export function clusterProbe(index: number, noise: number): Probe {
  return { fingers: POSITIONS.map((position) => ({ position, template: template(index, position, noise) })) };
}

const FACE_DIMENSION = 128;

/** A synthetic face code of person `person` (a unit vector), as FaceMatcher's int8 template bytes; `noise` > 0 is another "photo" of them. */
export function clusterFace(person: number, noise = 0): Uint8Array {
  const random = mulberry32(person * 104_729 + 17);
  const gauss = (r: () => number): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const v = Array.from({ length: FACE_DIMENSION }, () => gauss(random));
  if (noise > 0) {
    const jitter = mulberry32(person * 31 + noise);
    const spread = 0.012 * Math.hypot(...v); // noise relative to the person's own code
    for (let i = 0; i < v.length; i++) v[i] += spread * gauss(jitter);
  }
  const norm = Math.hypot(...v);
  return faceTemplateToBytes(Int8Array.from(v, (x) => Math.max(-127, Math.min(127, Math.round((256 * x) / norm)))));
}
