/** The accuracy bench's text: the results table, the calibration check and the scores file. */
import type { SetResult } from './accuracy.ts';

const pct = (rate: number): string => (rate * 100).toFixed(2);
const perSecond = (v: number): string => Math.round(v).toLocaleString('en-US');

/** Columns padded to their widest cell; the first column left-aligned, the others right-aligned. */
function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd());
}

/** Share of impostor scores at or above `t` over several sets pooled. */
function pooledShare(results: readonly SetResult[], t: number): number {
  const impostors = results.flatMap((r) => r.pairs.filter((p) => !p.genuine));
  return impostors.filter((p) => p.score >= t).length / impostors.length;
}

export function accuracyText(results: readonly SetResult[]): string[] {
  const lines: string[] = [];
  for (const r of results) {
    const source = r.report.set === r.label ? '' : ` (${r.report.set})`;
    lines.push(`${r.label}${source}: ${r.samples} samples, ${r.failures.length} failed to enrol`);
    for (const f of r.failures) lines.push(`  failed to enrol ${f.name}: ${f.reason}`);
  }
  lines.push('');
  const header = ['set', 'protocol', 'genuine', 'impostor', 'FTE %', 'EER %', 'FMR100 %', 'FMR1000 %', 'ZeroFMR %', 'comparisons/s'];
  const rows = results.map(({ label, report: a }) => [
    label,
    a.protocol,
    String(a.genuine),
    String(a.impostor),
    pct(a.fte),
    pct(a.eer),
    pct(a.fmr100),
    pct(a.fmr1000),
    pct(a.zeroFmr),
    perSecond(a.comparisonsPerSecond),
  ]);
  lines.push(...table([header, ...rows]));
  if (results.length > 1) {
    const meanEer = results.reduce((s, r) => s + r.report.eer, 0) / results.length;
    lines.push('', `mean EER over ${results.length} sets: ${pct(meanEer)} %`);
  }

  lines.push('', 'calibration check: share of impostor scores at or above a calibrated score (targets: 20 → ≈1 %, 30 → ≈0.1 %)');
  const shareRows = results.map((r) => [r.label, String(r.report.impostor), pct(r.impostorShareAt20), pct(r.impostorShareAt30)]);
  if (results.length > 1) {
    const pooled = results.reduce((s, r) => s + r.report.impostor, 0);
    shareRows.push(['all sets pooled', String(pooled), pct(pooledShare(results, 20)), pct(pooledShare(results, 30))]);
  }
  lines.push(...table([['set', 'impostor', '≥20 %', '≥30 %'], ...shareRows]).map((l) => `  ${l}`));
  return lines;
}

/**
 * A score as the shortest decimal that reads back to the same float32 (the kernel's precision),
 * so metrics recomputed from the file match the report exactly; -Infinity is `-inf`.
 */
export function formatScore(score: number): string {
  if (score === -Infinity) return '-inf';
  if (score === Infinity) return 'inf';
  if (Number.isNaN(score)) return 'nan';
  if (Math.fround(score) !== score) return String(score);
  for (let digits = 1; digits < 9; digits++) {
    const text = String(Number(score.toPrecision(digits)));
    if (Math.fround(Number(text)) === score) return text;
  }
  return String(score);
}

/**
 * Every comparison, `probe<TAB>gallery<TAB>score` per line, genuine pairs first then impostor
 * pairs, set after set. With several sets the names are prefixed by the set's label ("DB1_B/101_1"),
 * since the same sample names recur in every FVC set.
 */
export function scoresText(results: readonly SetResult[]): string {
  const qualify = results.length > 1;
  const out: string[] = [];
  for (const r of results) {
    const name = (n: string): string => (qualify ? `${r.label}/${n}` : n);
    for (const p of r.pairs) out.push(`${name(p.probe)}\t${name(p.gallery)}\t${formatScore(p.score)}\n`);
  }
  return out.join('');
}
