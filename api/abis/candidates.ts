/**
 * Candidate lists as MOSIP reads them, and what their two numbers mean.
 *
 * - `internalScore`: the candidate's fused score on the engine's one scale, **−10·log10(FMR)** —
 *   the false match rate of a single comparison at that score, calibrated on real impostor
 *   comparisons (ARCHITECTURE.md): 30 ⇔ FMR 1e-3, 40 ⇔ 1e-4. Per modality: the best finger (or
 *   iris) score. Reported to two decimals and capped at `ABIS_PARAMS.maxReportedScore` (100 ⇔ FMR
 *   1e-10): Fisher fusion of several strong fingers yields values like 1686 (FMR 1e-168) that no
 *   calibration set can support; the list's order still follows the uncapped score.
 * - `confidence`: a probability in percent, 0–100 — the chance that a gallery of N subjects
 *   (the searched gallery) holds **no** impostor scoring this high, 100 × (1 − N·10^(−score/10))
 *   clamped to 0–100 (a union bound over the N comparisons). At the decision threshold
 *   targetFPIR + 10·log10 N it equals 100 × (1 − 10^(−targetFPIR/10)), e.g. 99.90 at targetFPIR 30.
 */
import type { IdentifyResult } from '../../engine/index.ts';
import { MOSIP_BIOMETRIC_TYPE } from '../intake/index.ts';
import type { AbisCandidateJson } from './messages.ts';
import { ABIS_PARAMS } from './params.ts';

export function internalScore(score: number): string {
  return Math.min(score, ABIS_PARAMS.maxReportedScore).toFixed(2);
}

export function confidence(score: number, gallerySize: number): string {
  const expectedImpostors = Math.max(1, gallerySize) * 10 ** (-score / 10);
  return (100 * Math.min(1, Math.max(0, 1 - expectedImpostors))).toFixed(2);
}

/** The engine's candidates as MOSIP candidate JSON, keeping only those `keep` accepts. */
export function candidateJson(result: IdentifyResult, keep: (referenceId: string) => boolean = () => true, maxResults = Infinity): AbisCandidateJson[] {
  return result.candidates.filter((c) => keep(c.referenceId)).slice(0, maxResults).map((c) => {
    const best = new Map<'finger' | 'iris' | 'face', number>();
    for (const s of c.scores) best.set(s.modality, Math.max(best.get(s.modality) ?? -Infinity, s.score));
    return {
      referenceId: c.referenceId,
      analytics: { internalScore: internalScore(c.score), confidence: confidence(c.score, result.gallerySize) },
      modalities: [...best].map(([m, score]) => ({
        biometricType: MOSIP_BIOMETRIC_TYPE[m],
        analytics: { internalScore: internalScore(score), confidence: confidence(score, result.gallerySize) },
      })),
    };
  });
}
