/**
 * `npm run datasets -- scale --report`: the generator's statistics beside the real templates'
 * (fvc2002-iso, per set and pooled), then the matcher-level check (scale-realism.ts). Without
 * the real data it says so and prints the synthetic column alone.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { MinutiaeRecord } from '../engine/index.ts';
import { defaultDataDir, loadFvc2002IsoSets } from './planted-mates.ts';
import { FINGER_ORDER, scaleFingerRecord } from './scale-gallery.ts';
import { formatRealism, realismReport } from './scale-realism.ts';
import { formatStatsTable, minutiaStats } from './scale-stats.ts';
import { formatRealness, realnessFigures, type RealnessFigures } from './scale-realness.ts';
import { REAL_FVC2002_SETS } from './scale-real-sets.ts';
import { fitHalfLeavePairOutShares } from './scale-fit-objective.ts';

/** What `scale --report --json F` writes: the report half's realness figures, the fit half's beside them. */
export interface ScaleReportJson {
  topP: number;
  realNonMateTopShare: number;
  /** Bootstrap 95 % over the report half's probe fingers. */
  realNonMateTopShareCi95: [number, number];
  classifierAuc: number | null;
  report: RealnessFigures;
  fit: RealnessFigures;
  /** The fit half's shares in the generated top 1 / 5 / 10 % with each real pair centred on a mean without it (the in-sample `fit` figure reads low). */
  fitLeavePairOut: { top1: number; top5: number; top10: number };
}

export interface ScaleReportOptions {
  seed: number;
  fingersPerSubject: number;
  /** Generated fingers measured (and used as the impostor gallery). */
  syntheticFingers: number;
  dataDir?: string;
  /** Generated fingers the real probes rank in the realness figures. */
  realnessFingers: number;
  /** The top share of the realness figure (0.05). */
  topP: number;
}

export function scaleReport(o: ScaleReportOptions): { text: string; json: ScaleReportJson | null } {
  const synthetic: MinutiaeRecord[] = [];
  for (let k = 0; k < o.syntheticFingers; k++) {
    synthetic.push(scaleFingerRecord(o.seed, Math.floor(k / o.fingersPerSubject), FINGER_ORDER[k % o.fingersPerSubject]));
  }
  const dataDir = o.dataDir ?? defaultDataDir();
  const isoDir = join(dataDir, 'fingerprint', 'fvc2002-iso');
  if (!existsSync(isoDir)) {
    return { text: `no real templates at ${isoDir} (set BIODEDUP_DATA): synthetic statistics only\n\n` +
      formatStatsTable([{ label: `synthetic (seed ${o.seed})`, stats: minutiaStats(synthetic) }]), json: null };
  }
  const sets = loadFvc2002IsoSets(dataDir);
  const real = sets.flatMap((s) => s.fingers.flatMap((f) => f.impressions));
  const table = formatStatsTable([
    { label: 'real fvc2002-iso', stats: minutiaStats(real) },
    { label: `synthetic (seed ${o.seed})`, stats: minutiaStats(synthetic) },
    ...sets.map((s) => ({ label: s.name, stats: minutiaStats(s.fingers.flatMap((f) => f.impressions)) })),
  ]);
  const realism = realismReport(sets, { seed: o.seed, syntheticFingers: o.syntheticFingers, syntheticProbes: 200 });
  const realSets = loadFvc2002IsoSets(dataDir, REAL_FVC2002_SETS);
  const fit = realnessFigures(realSets, { half: 'fit', generated: o.realnessFingers, seed: o.seed, topP: o.topP });
  const report = realnessFigures(realSets, { half: 'report', generated: o.realnessFingers, seed: o.seed, topP: o.topP });
  // the same background the fit half's figure ranks against (realnessFigures' fit seed)
  const [top1, top5, top10] = fitHalfLeavePairOutShares(realSets, o.realnessFingers, (o.seed ^ 0x0f17) >>> 0);
  const text = [
    `real: ${isoDir} (${real.length} templates); synthetic: ${synthetic.length} generated fingers`,
    '',
    table,
    '',
    'impostor scores on the calibrated scale (−10·log10 FMR); shares at or above 10/20/30 ≈ 10/1/0.1 % by construction for real × real',
    formatRealism(realism),
    '',
    `realness (real fingers: ${REAL_FVC2002_SETS.join(', ')}; the generator is fitted on the fit half by datasets/scale-fit.ts, the report half is never seen by the fit)`,
    formatRealness(report),
    '',
    formatRealness(fit),
    `  centred in-sample, the fit half reads low (its prints are part of the engine's centring mean); each real pair centred on the fit half's mean without it: top 1 / 5 / 10 %: ${[top1, top5, top10].map((v) => `${(100 * v).toFixed(2)} %`).join(' / ')}`,
  ].join('\n');
  return { text, json: { topP: o.topP, realNonMateTopShare: report.realNonMateTopShare, realNonMateTopShareCi95: report.realNonMateTopShareCi95, classifierAuc: report.classifierAuc, report, fit, fitLeavePairOut: { top1, top5, top10 } } };
}
