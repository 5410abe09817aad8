/**
 * Probes for the cluster bench: a mated probe is a second impression of a gallery subject's
 * fingers (the identify bench's generated background finger with a fifth of its minutiae
 * dropped and the rest moved by up to ±2 px); a non-mated probe is the fingers of a subject
 * the gallery does not hold. Subjects for the kill test's inserts come from the same generator.
 */
import { FINGER_TEMPLATE_VERSION, FingerMatcher, type FingerPosition, type Probe, type Subject } from '../engine/index.ts';
import { mulberry32 } from '../datasets/synthetic.ts';
import { FINGER_ORDER } from '../datasets/scale-gallery.ts';
import { backgroundFinger } from './gallery-background.ts';

const matcher = new FingerMatcher();

function fingerTemplate(seed: number, subject: number, finger: number, noise: number): Uint8Array {
  const record = backgroundFinger(seed, subject, finger);
  let minutiae = record.views[0].minutiae;
  if (noise > 0) {
    const random = mulberry32(noise * 7919 + subject * 31 + finger);
    minutiae = minutiae.filter(() => random() > 0.2).map((m) => ({ ...m, x: m.x + Math.round((random() - 0.5) * 4), y: m.y + Math.round((random() - 0.5) * 4) }));
  }
  return matcher.createTemplate(minutiae, { resolutionPxPerCm: record.resolutionX }).bytes;
}

export function benchProbe(seed: number, subject: number, fingers: number, noise: number): Probe {
  return { fingers: Array.from({ length: fingers }, (_, f) => ({ position: FINGER_ORDER[f], template: fingerTemplate(seed, subject, f, noise) })) };
}

/** Subject `index` of the identify bench's background (referenceId bg-<index>). */
export function benchSubject(seed: number, index: number, fingers: number): Subject {
  const out: Partial<Record<FingerPosition, { modality: 'finger'; version: number; bytes: Uint8Array }>> = {};
  for (let f = 0; f < fingers; f++) out[FINGER_ORDER[f] as FingerPosition] = { modality: 'finger', version: FINGER_TEMPLATE_VERSION, bytes: fingerTemplate(seed, index, f, 0) };
  return { referenceId: `bg-${index}`, fingers: out };
}
