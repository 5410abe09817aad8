/**
 * Identify and verify with a face in the probe: the face scan over every subject holding a
 * face (face-subjects.ts), the engine's finger/iris scan at the floor the best face score
 * allows, and fusion of every compared template (fusion.ts: fuseModalityScores, the face
 * independent of the fingers and irises), decided on the engine's
 * one rule, targetFPIR + 10·log10 N, where N counts every enrolled subject (face-only ones too).
 *
 * Exactness: fused(row ∪ face) ≤ fused(row) + face, so a subject whose finger/iris score is
 * below T − (best face score) cannot reach T; the scan returns every subject above that floor
 * unless its list (FACE_SCAN_LIST subjects) fills up, in which case the subjects it left out
 * score at most the last one's, and those whose face could still lift them to T (at most
 * FACE_RESCORE_LIMIT, best face first) are scored on their fingers/irises too.
 */
import { EngineError } from '../errors.ts';
import { decisionThreshold, fuseModalityScores } from './fusion.ts';
import { FaceSubjects, planFaceShortlist } from './face-subjects.ts';
import type { Candidate, IdentifyResult, ModalityScore, Probe, VerifyResult, identifyDefaults } from './engine-types.ts';

type IdentifySettings = ReturnType<typeof identifyDefaults>;

/** The finger/iris scan keeps at least this many subjects at the face floor (×4 maxResults when larger). */
export const FACE_SCAN_LIST = 64;

/** What the face paths need of the engine (DedupEngine builds it; no engine internals leak). */
export interface FaceEngineHooks {
  readonly faces: FaceSubjects;
  scanIdentify(probe: Probe, o: IdentifySettings, override: { threshold: number; k: number }): Promise<IdentifyResult>;
  /** 1:1 on the shards (fingers/irises) for a subject that has some. */
  scanVerify(referenceId: string, probe: Probe): Promise<VerifyResult>;
  inShards(referenceId: string): boolean;
  /** Every enrolled subject, face-only ones included. */
  gallerySize(): number;
}

export async function identifyWithFace(h: FaceEngineHooks, probe: Probe, o: IdentifySettings): Promise<IdentifyResult> {
  const code = FaceSubjects.probeCode(probe.face);
  const others = withoutFace(probe);
  let only: Set<string> | undefined;
  if (o.referenceIds !== undefined) {
    if (!Array.isArray(o.referenceIds)) throw new EngineError('ERR_IDENTIFY_OPTIONS', 'referenceIds must be an array of strings');
    only = new Set(o.referenceIds.filter((id) => h.inShards(id) || h.faces.isFaceOnly(id)));
  }
  const gallerySize = only?.size ?? h.gallerySize();
  const threshold = decisionThreshold(o.targetFPIR, gallerySize);
  const faceScan = h.faces.scan(code, only);
  let comparisons = faceScan.byId.size;
  let mode: IdentifyResult['mode'] = 'exhaustive';
  /** finger/iris scores of the subjects the scans returned */
  const rows = new Map<string, readonly ModalityScore[]>();
  let faceFloor = threshold; // a subject no scan returned needs its face alone to reach this
  if (others !== undefined) {
    const k = Math.max(FACE_SCAN_LIST, 4 * o.maxResults) + (o.excludeReferenceId === undefined ? 0 : 1);
    const scanned = await h.scanIdentify(others, o, { threshold: threshold - faceScan.best, k });
    comparisons += scanned.comparisons;
    mode = scanned.mode;
    for (const c of scanned.candidates) rows.set(c.referenceId, c.scores);
    if (scanned.candidates.length >= k) {
      const last = scanned.candidates[scanned.candidates.length - 1].score;
      faceFloor = threshold - last;
      const shortlist = planFaceShortlist(faceScan, faceFloor, new Set(rows.keys())).filter((id) => h.inShards(id));
      if (shortlist.length > 0) {
        const rescored = await h.scanIdentify(others, { ...o, referenceIds: shortlist, mode: 'exhaustive' }, { threshold: -Infinity, k: shortlist.length });
        comparisons += rescored.comparisons;
        for (const c of rescored.candidates) rows.set(c.referenceId, c.scores);
      }
    }
  }
  const candidates: Candidate[] = [];
  const consider = (referenceId: string, row: readonly ModalityScore[]): void => {
    if (referenceId === o.excludeReferenceId) return;
    const face = faceScan.byId.get(referenceId);
    const scores = face === undefined ? row : [...row, { modality: 'face' as const, score: face }];
    const score = fuseModalityScores(scores);
    if (score >= threshold) candidates.push({ referenceId, score, scores });
  };
  for (const [referenceId, row] of rows) consider(referenceId, row);
  // subjects no finger/iris scan scored: face-only ones always; with fingers in the probe, a
  // subject in the shards left out of the scans cannot reach the threshold (see above)
  for (const [referenceId, face] of faceScan.byId) {
    if (face < faceFloor || rows.has(referenceId)) continue;
    if (others === undefined || !h.inShards(referenceId)) consider(referenceId, []);
  }
  candidates.sort((a, b) => b.score - a.score || (a.referenceId < b.referenceId ? -1 : 1));
  return { candidates: candidates.slice(0, o.maxResults), threshold, gallerySize, comparisons, mode };
}

export async function verifyWithFace(h: FaceEngineHooks, referenceId: string, probe: Probe, threshold: number): Promise<VerifyResult> {
  const code = FaceSubjects.probeCode(probe.face);
  const others = withoutFace(probe);
  const inShards = h.inShards(referenceId);
  const face = h.faces.scoreOf(referenceId, code);
  if (!inShards && face === undefined) throw new EngineError('ERR_UNKNOWN_REFERENCE', `no enrolled subject "${referenceId}"`);
  const scores: ModalityScore[] = [];
  if (others !== undefined && inShards) scores.push(...(await h.scanVerify(referenceId, others)).scores);
  if (face !== undefined) scores.push({ modality: 'face', score: face });
  const score = fuseModalityScores(scores);
  return { match: score >= threshold, score, threshold, scores };
}

/** The probe's fingers and irises, or undefined when it has none. */
function withoutFace(probe: Probe): Probe | undefined {
  const fingers = probe.fingers ?? [];
  const irises = probe.irises ?? [];
  if (Array.isArray(fingers) && Array.isArray(irises) && fingers.length + irises.length === 0) return undefined;
  return { fingers, irises };
}
