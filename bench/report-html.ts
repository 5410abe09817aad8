/**
 * The report page: one HTML file with inline CSS and inline SVG plots, no script and no URL,
 * so it opens offline and can be mailed as it is. Sections follow what NIST and FVC reports
 * show: summary table, DET, score distributions, calibration, failures to enrol, identify and
 * speed figures when given, the environment.
 */
import { detPlotSvg, escapeXml, histogramSvg, type DetMarker, type DetSeries } from './report-plots.ts';
import type { ReportData, SetSection, IdentifySection, SpeedSection } from './report.ts';
import type { Interval, OperatingPoint } from './report-stats.ts';
import type { PeerResult } from './report-peers.ts';

const esc = escapeXml;
const pct = (rate: number, digits = 2): string => `${(rate * 100).toFixed(digits)}\u00a0%`;
const count = (n: number): string => n.toLocaleString('en-US');
/** "1.25 % [0.80, 1.95]" — rate with its 95 % Wilson interval. */
const withInterval = (i: Interval): string => `${pct(i.rate)} <span class="ci">[${(i.low * 100).toFixed(2)}, ${(i.high * 100).toFixed(2)}]</span>`;
/** Any figure: big or whole numbers with thousands separators, others to 4 significant digits. */
const figure = (v: unknown): string => {
  if (typeof v === 'number') return Number.isInteger(v) || Math.abs(v) >= 100 ? count(Math.round(v)) : v.toPrecision(4);
  if (v === null || v === undefined) return '—';
  return esc(typeof v === 'object' ? JSON.stringify(v) : String(v));
};
const threshold = (t: number): string => (t === Infinity ? '∞ (reject all)' : t === -Infinity ? '−∞' : t.toFixed(2));

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1200px;color:#222;line-height:1.4;padding:0 16px}
h1{font-size:1.5em;margin-bottom:0}h2{border-bottom:1px solid #ccc;padding-bottom:4px;margin-top:2em}h3{margin-bottom:.4em}
table{border-collapse:collapse;margin:.6em 0;font-size:.92em}th,td{border:1px solid #ddd;padding:3px 8px;text-align:right;vertical-align:top}
th{background:#f4f4f4;font-size:.9em}.scroll{overflow-x:auto}td{white-space:nowrap}.ci{display:block}td:first-child,th:first-child{text-align:left}.ci{color:#777;font-size:.88em}.note{color:#555;font-size:.9em}
.warn{color:#a40}.kv td{text-align:left;white-space:normal}.summary{font-size:.84em}.summary td,.summary th{padding:3px 5px}figure{margin:1em 0}svg{max-width:100%;height:auto}code{background:#f4f4f4;padding:0 3px}
`;

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>, cls = ''): string {
  const head = header.every((h) => h === '') ? '' : `<tr>${header.map((h) => `<th>${h}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<div class="scroll"><table${cls ? ` class="${cls}"` : ''}>\n${head}\n${body}\n</table></div>`;
}

const POINT_NAMES = ['FMR100', 'FMR1000', 'FMR10000'];

/** FNMR at an operating point, flagged when the impostor count cannot resolve the target. */
function pointCell(p: OperatingPoint): string {
  const cell = withInterval(p.fnmr);
  return p.resolvable ? cell : `${cell} <span class="warn" title="fewer than ${count(Math.ceil(1 / p.target))} impostor pairs: this is the zero-FMR point">*</span>`;
}

function markers(eer: number, points: readonly OperatingPoint[]): DetMarker[] {
  return [{ name: 'EER', fmr: eer, fnmr: eer }, ...points.map((p, k) => ({ name: POINT_NAMES[k], fmr: p.fmr.rate, fnmr: p.fnmr.rate }))];
}

function summary(data: ReportData): string {
  const rows = data.sets.map((s) => [
    esc(s.label), esc(s.protocol), count(s.samples), withInterval(s.fte), count(s.genuine), count(s.impostor), pct(s.eer),
    ...s.points.map(pointCell), pct(s.zeroFmr), count(Math.round(s.comparisonsPerSecond)), s.extractMsMedian === null ? '—' : s.extractMsMedian.toFixed(1),
  ]);
  const unresolved = data.sets.some((s) => s.points.some((p) => !p.resolvable));
  return `<h2 id="summary">Summary</h2>
${table(['set', 'protocol', 'samples', 'FTE', 'genuine', 'impostor', 'EER', 'FNMR @ FMR100', 'FNMR @ FMR1000', 'FNMR @ FMR10000', 'ZeroFMR', 'comparisons/s', 'extract ms'], rows, 'summary')}
<p class="note">Genuine and impostor: pairs compared. Extract ms: median template extraction time per sample, decoding excluded. FMR100 / FMR1000 / FMR10000: the lowest FNMR at a threshold whose FMR is at most 1 % / 0.1 % / 0.01 %. Brackets: 95 % Wilson interval over the comparisons, treating them as independent; comparisons sharing a sample are not, so the real uncertainty is wider.${unresolved ? ' <span class="warn">*</span> fewer impostor pairs than 1/FMR: that column is the zero-FMR point, not an estimate at that FMR.' : ''} Failures to enrol stay in: every comparison with a failed sample scores −∞. Comparisons/s times the comparison calls alone, one thread.</p>`;
}

function detSection(data: ReportData): string {
  const series: DetSeries[] = data.sets.map((s) => ({ label: s.label, kind: 'set', det: s.det, markers: markers(s.eer, s.points) }));
  for (const p of data.peers) {
    for (const c of p.curves) {
      const several = data.sets.length > 1;
      series.push({
        label: several ? `${p.name} · ${c.set}` : p.name, kind: 'peer', det: c.det, markers: markers(c.eer, c.points),
        // Several sets: a peer's curve wears its set's colour, dashed, so each pair of curves reads together.
        ...(several ? { colour: data.sets.findIndex((s) => s.label === c.set) } : {}),
      });
    }
  }
  const counts = { genuine: Math.max(...data.sets.map((s) => s.genuine)), impostor: Math.max(...data.sets.map((s) => s.impostor)) };
  const title = `DET, ${data.modality}${data.peers.length > 0 ? ', with peers (dashed)' : ''}`;
  return `<h2 id="det">DET curves</h2>
<figure>${detPlotSvg(series, title, counts)}</figure>
<p class="note">Both axes logarithmic; a rate of zero sits on the axis floor. Markers: ○ EER, ■ FMR100, ▲ FMR1000, ◆ FMR10000 (placed at the FMR actually reached).</p>`;
}

function peerSection(peers: readonly PeerResult[]): string {
  if (peers.length === 0) return '';
  const rows = peers.flatMap((p) => p.curves.map((c) => [esc(p.name), esc(c.set), count(c.genuine), count(c.impostor), count(c.uncovered), pct(c.eer), ...c.points.map(pointCell)]));
  const notes = peers.map((p) => `<li><code>${esc(p.file)}</code>: ${count(p.lines)} lines, ${count(p.unmatched)} matched no pair of this run's protocol and are left out.</li>`).join('');
  return `<h2 id="peers">Peers</h2>
${table(['peer', 'set', 'genuine pairs', 'impostor pairs', 'our pairs missing', 'EER', 'FNMR @ FMR100', 'FNMR @ FMR1000', 'FNMR @ FMR10000'], rows)}
<ul class="note">${notes}</ul>
<p class="note">A peer's lines are matched by name to this run's pairs, whose identities say genuine or impostor; its scores may be on any scale (a DET curve depends only on their order), so no histogram or calibration is drawn for it.</p>`;
}

function setDetail(s: SetSection): string {
  const calibration = table(
    ['threshold (score)', 'target FMR', 'impostor scores at or above', 'observed FMR [95 %]'],
    s.calibration.map((c) => [String(c.threshold), pct(c.expected, 3), `${count(c.observed.count)} of ${count(c.observed.trials)}`, withInterval(c.observed)]),
  );
  const pointsTable = table(
    ['operating point', 'threshold (score ≥)', 'FMR reached', 'FNMR [95 %]'],
    s.points.map((p, k) => [POINT_NAMES[k], threshold(p.threshold), `${pct(p.fmr.rate, 3)} (${count(p.fmr.count)})`, pointCell(p)]),
  );
  const byReason = new Map<string, string[]>();
  for (const f of s.failures) {
    const reason = f.reason.split(':')[0];
    byReason.set(reason, [...(byReason.get(reason) ?? []), f.name]);
  }
  const fte = s.failures.length === 0
    ? `<p>No failure to enrol among ${count(s.samples)} samples.</p>`
    : `<p>${count(s.failures.length)} of ${count(s.samples)} samples failed to enrol (FTE ${withInterval(s.fte)}).</p>\n${table(['reason', 'samples', 'which'], [...byReason].map(([reason, names]) => [esc(reason), String(names.length), esc(names.slice(0, 12).join(', ') + (names.length > 12 ? ', …' : ''))]))}
<details><summary>every failure with its message</summary>${table(['sample', 'reason'], s.failures.map((f) => [esc(f.name), esc(f.reason)]))}</details>`;
  return `<section class="set" data-set="${esc(s.label)}">
<h2 id="set-${esc(s.label)}">${esc(s.label)} <span class="note">(${esc(s.set)}, ${esc(s.protocol)})</span></h2>
<figure>${histogramSvg(s.histogram, `${s.label}: genuine and impostor scores`)}</figure>
<h3>Operating points</h3>
${pointsTable}
<h3>Calibration check</h3>
<p class="note">Scores are calibrated as −10·log10 FMR: a threshold of 20 should accept about 1 % of impostors, 30 about 0.1 %, 40 about 0.01 %. An observed share far outside its interval means the calibration does not carry over to this data.</p>
${calibration}
<h3>Failures to enrol</h3>
${fte}
</section>`;
}

function identifyHtml(id: IdentifySection | null): string {
  if (id === null) return '';
  const keys = ['gallery', 'fingersPerProbe', 'mode', 'threshold', 'p50Ms', 'p99Ms', 'identifiesPerSecond', 'comparisonsPerSecondPerCore', 'prefilterRecall', 'loadSeconds', 'bytesPerTemplate'];
  const runs = id.runs;
  const rows = [
    ['FNIR (mated searches missed)', ...runs.map((r) => (r.fnir === null ? figure(r.figures.fnir) : `${withInterval(r.fnir)} of ${count(r.fnir.trials)}`))],
    ['FPIR (non-mated searches with a candidate)', ...runs.map((r) => (r.fpir === null ? figure(r.figures.fpir) : `${withInterval(r.fpir)} of ${count(r.fpir.trials)}`))],
    ...keys.map((k) => [k, ...runs.map((r) => figure(r.figures[k]))]),
  ];
  const extra = runs.map((r, k) => `<details><summary>run ${k + 1}: every figure</summary>${table(['key', 'value'], Object.entries(r.figures).map(([key, v]) => [esc(key), figure(v)]), 'kv')}</details>`).join('\n');
  return `<h2 id="identify">Identification (1:N)</h2>
<p class="note">From <code>${esc(id.file)}</code> (<code>npm run bench -- identify --json</code>). FNIR over mated searches, FPIR over non-mated searches, with 95 % Wilson intervals.</p>
${table(['', ...runs.map((_, k) => `run ${k + 1}`)], rows)}
${extra}`;
}

function speedHtml(sp: SpeedSection | null): string {
  if (sp === null) return '';
  const paired = table(['figure', 'value', 'baseline (same run)', 'baseline value', 'ratio'], sp.paired.map((p) => [
    esc(p.key), figure(p.value), esc(p.baselineKey), figure(p.baseline), `${(p.higherIsBetter ? p.value / p.baseline : p.baseline / p.value).toFixed(2)}×`,
  ]));
  const other = sp.other.length === 0 ? '' : table(['other figure', 'value'], sp.other.map((o) => [esc(o.key), figure(o.value)]), 'kv');
  return `<h2 id="speed">Speed</h2>
<p class="note">From <code>${esc(sp.file)}</code> (<code>npm run bench -- speed --json</code>). Each figure beside the baseline measured in the same run on the same machine; the ratio is what carries over to other machines. Ratio: figure ÷ baseline for rates, baseline ÷ figure for times, so above 1 means faster than the baseline. Baselines differ in kind (the same algorithm without SIMD; a plain one-position scan; a 3×3 box-filter pass over the same image): see <code>bench/README.md</code>.</p>
${paired}
${other}`;
}

function environmentHtml(data: ReportData): string {
  const e = data.environment;
  return `<h2 id="environment">Environment</h2>
${table(['', ''], [['CPU', esc(e.cpuModel)], ['cores (usable)', String(e.cores)], ['memory', `${e.memoryGiB} GiB`], ['OS', esc(e.os)], ['Node.js', esc(e.node)], ['project commit', `<code>${esc(e.commit)}</code>`], ['date (UTC)', esc(e.date)], ['command', `<code>${esc(e.command)}</code>`]], 'kv')}
<p class="note">Beside this page: <code>report.json</code> (every figure), <code>summary.tsv</code> (one row per set and peer curve), <code>scores.tsv</code> (every comparison: probe, gallery, calibrated score; the format <code>--peer</code> reads).</p>`;
}

export function reportHtml(data: ReportData): string {
  const nav = ['summary', 'det', ...(data.peers.length > 0 ? ['peers'] : []), ...data.sets.map((s) => `set-${s.label}`), ...(data.identify ? ['identify'] : []), ...(data.speed ? ['speed'] : []), 'environment'];
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(data.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${esc(data.title)}</h1>
<p class="note">${esc(data.environment.date)} · commit <code>${esc(data.environment.commit.slice(0, 12))}</code> · ${esc(data.environment.cpuModel)}, ${data.environment.cores} cores · Node ${esc(data.environment.node)}</p>
<p>${nav.map((id) => `<a href="#${esc(id)}">${esc(id.replace(/^set-/, ''))}</a>`).join(' · ')}</p>
${summary(data)}
${detSection(data)}
${peerSection(data.peers)}
${data.sets.map(setDetail).join('\n')}
${identifyHtml(data.identify)}
${speedHtml(data.speed)}
${environmentHtml(data)}
</body>
</html>
`;
}
