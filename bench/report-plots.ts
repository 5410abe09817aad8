/**
 * The report page's plots as inline SVG strings: a DET plot (log axes, every set and every
 * peer on the same axes, operating points marked) and a genuine/impostor score histogram with
 * the decision thresholds. Our own module rather than a plotting library: two plot kinds need
 * ~250 lines, the output is static SVG (no script at view time, nothing to fetch), and tests
 * can read it; Vega/Plotly would inline megabytes of JavaScript that renders in the browser.
 */
import type { DetPoint } from './metrics.ts';
import type { Histogram } from './report-stats.ts';

/** Tableau 10: distinguishable on white and in grey print. Peers' curves are dashed. */
export const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

export interface DetMarker {
  /** "EER", "FMR100", … */
  name: string;
  fmr: number;
  fnmr: number;
}

export interface DetSeries {
  label: string;
  /** "set": this run's curve; "peer": a peer's scores of the same pairs. */
  kind: 'set' | 'peer';
  det: ReadonlyArray<Pick<DetPoint, 'fmr' | 'fnmr'>>;
  markers: readonly DetMarker[];
  /** Palette index; default the series' position. A peer of one set of several takes that set's colour. */
  colour?: number;
}

const MARKER_SHAPES: Record<string, (x: number, y: number, c: string) => string> = {
  EER: (x, y, c) => `<circle cx="${f1(x)}" cy="${f1(y)}" r="4.5" fill="white" stroke="${c}" stroke-width="2"/>`,
  FMR100: (x, y, c) => `<rect x="${f1(x - 4)}" y="${f1(y - 4)}" width="8" height="8" fill="${c}"/>`,
  FMR1000: (x, y, c) => `<path d="M${f1(x)},${f1(y - 5)} L${f1(x + 5)},${f1(y + 4)} L${f1(x - 5)},${f1(y + 4)} Z" fill="${c}"/>`,
  FMR10000: (x, y, c) => `<path d="M${f1(x)},${f1(y - 5)} L${f1(x + 5)},${f1(y)} L${f1(x)},${f1(y + 5)} L${f1(x - 5)},${f1(y)} Z" fill="${c}"/>`,
};

const f1 = (v: number): string => v.toFixed(1);

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** 10^e as a percentage label: 0.001 %, 0.1 %, 1 %, 10 %, 100 %. */
function decadeLabel(e: number): string {
  return e >= -2 ? `${10 ** (e + 2)}%` : `${(10 ** (e + 2)).toFixed(-e - 2)}%`;
}

interface Frame {
  width: number;
  height: number;
  left: number;
  top: number;
  plotW: number;
  plotH: number;
}

function frame(width: number, height: number): Frame {
  const left = 70;
  const top = 36;
  return { width, height, left, top, plotW: width - left - 20, plotH: height - top - 56 };
}

/**
 * DET plot, FNMR against FMR on log axes. The axes reach one decade below the smallest rate
 * the counts can show (0.5 / pairs), at least FMR 0.01 % and FNMR 0.1 %; rates of zero sit on
 * the floor. Curves carry class="det-curve" and data-kind / data-label for tools and tests.
 */
export function detPlotSvg(series: readonly DetSeries[], title: string, counts: { genuine: number; impostor: number }): string {
  const xMin = Math.max(-7, Math.min(-4, Math.floor(Math.log10(0.5 / Math.max(1, counts.impostor)))));
  const yMin = Math.max(-6, Math.min(-3, Math.floor(Math.log10(0.5 / Math.max(1, counts.genuine)))));
  const fr = frame(720, 580);
  const xOf = (v: number): number => fr.left + ((Math.min(0, Math.max(xMin, Math.log10(Math.max(v, 10 ** xMin)))) - xMin) / -xMin) * fr.plotW;
  const yOf = (v: number): number => fr.top + (1 - (Math.min(0, Math.max(yMin, Math.log10(Math.max(v, 10 ** yMin)))) - yMin) / -yMin) * fr.plotH;
  const right = fr.left + fr.plotW;
  const bottom = fr.top + fr.plotH;
  const out: string[] = [
    `<svg class="det-plot" xmlns="http://www.w3.org/2000/svg" width="${fr.width}" height="${fr.height}" viewBox="0 0 ${fr.width} ${fr.height}" font-family="sans-serif" font-size="12" role="img" aria-label="${escapeXml(title)}">`,
    `<rect width="${fr.width}" height="${fr.height}" fill="white"/>`,
    `<text x="${fr.width / 2}" y="22" text-anchor="middle" font-size="15">${escapeXml(title)}</text>`,
  ];
  for (let e = xMin; e <= 0; e++) {
    const x = f1(xOf(10 ** e));
    out.push(`<line x1="${x}" y1="${fr.top}" x2="${x}" y2="${bottom}" stroke="#ddd"/>`, `<text x="${x}" y="${bottom + 16}" text-anchor="middle">${decadeLabel(e)}</text>`);
  }
  for (let e = yMin; e <= 0; e++) {
    const y = f1(yOf(10 ** e));
    out.push(`<line x1="${fr.left}" y1="${y}" x2="${right}" y2="${y}" stroke="#ddd"/>`, `<text x="${fr.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${decadeLabel(e)}</text>`);
  }
  // The operating FMRs, dotted, so markers can be read against them.
  for (const [fmr, name] of [[0.01, 'FMR100'], [0.001, 'FMR1000'], [0.0001, 'FMR10000']] as const) {
    const x = f1(xOf(fmr));
    out.push(`<line x1="${x}" y1="${fr.top}" x2="${x}" y2="${bottom}" stroke="#bbb" stroke-dasharray="2 3"/>`, `<text x="${x}" y="${fr.top - 4}" text-anchor="middle" fill="#777" font-size="10">${name}</text>`);
  }
  const d0 = 10 ** Math.max(xMin, yMin);
  out.push(
    `<line x1="${f1(xOf(d0))}" y1="${f1(yOf(d0))}" x2="${f1(xOf(1))}" y2="${f1(yOf(1))}" stroke="#999" stroke-dasharray="4 4"/>`,
    // Labelled low on the diagonal, clear of the legend (top right) and the marker key (bottom left).
    `<text x="${f1(xOf(0.03) + 6)}" y="${f1(yOf(0.03) + 4)}" fill="#999">EER line</text>`,
    `<rect x="${fr.left}" y="${fr.top}" width="${fr.plotW}" height="${fr.plotH}" fill="none" stroke="#333"/>`,
    `<text x="${(fr.left + right) / 2}" y="${fr.height - 26}" text-anchor="middle">FMR (false match rate)</text>`,
    `<text x="18" y="${(fr.top + bottom) / 2}" text-anchor="middle" transform="rotate(-90 18 ${(fr.top + bottom) / 2})">FNMR (false non-match rate)</text>`,
  );
  out.push(`<rect x="${right - 236}" y="${fr.top + 4}" width="232" height="${series.length * 17 + 4}" fill="white" fill-opacity="0.85"/>`);
  series.forEach((s, i) => {
    const colour = COLOURS[(s.colour ?? i) % COLOURS.length];
    const dash = s.kind === 'peer' ? ' stroke-dasharray="7 4"' : '';
    const points = s.det.map((p) => `${f1(xOf(p.fmr))},${f1(yOf(p.fnmr))}`).join(' ');
    out.push(`<polyline class="det-curve" data-kind="${s.kind}" data-label="${escapeXml(s.label)}" points="${points}" fill="none" stroke="${colour}" stroke-width="2"${dash}/>`);
    for (const m of s.markers) out.push(MARKER_SHAPES[m.name]?.(xOf(m.fmr), yOf(m.fnmr), colour) ?? '');
    const ly = fr.top + 14 + i * 17;
    out.push(
      `<line x1="${right - 230}" y1="${ly}" x2="${right - 206}" y2="${ly}" stroke="${colour}" stroke-width="2"${dash}/>`,
      `<text x="${right - 200}" y="${ly}" dominant-baseline="middle">${escapeXml(s.label)}</text>`,
    );
  });
  // Marker key, bottom left, where DET curves do not go.
  const ky = bottom - 14;
  let kx = fr.left + 10;
  for (const name of Object.keys(MARKER_SHAPES)) {
    out.push(MARKER_SHAPES[name](kx, ky, '#444'), `<text x="${kx + 8}" y="${ky}" dominant-baseline="middle" font-size="11">${name}</text>`);
    kx += name.length * 7 + 26;
  }
  out.push('</svg>');
  return out.join('\n');
}

/** The decision thresholds drawn on histograms: calibrated score → the FMR it stands for. */
const THRESHOLDS: ReadonlyArray<[number, string]> = [[20, 'FMR 1 %'], [30, 'FMR 0.1 %'], [40, 'FMR 0.01 %']];

/**
 * Genuine and impostor score histograms (shares of each kind per bin, log scale so the
 * impostor tail near the thresholds shows) with the thresholds 20 / 30 / 40 marked.
 */
export function histogramSvg(h: Histogram, title: string): string {
  const fr = frame(720, 320);
  const yMinExp = -5;
  const totalG = h.genuine.reduce((a, b) => a + b, 0) + h.genuineFailed;
  const totalI = h.impostor.reduce((a, b) => a + b, 0) + h.impostorFailed;
  const low = h.edges[0];
  const high = h.edges[h.edges.length - 1] + h.width;
  const xOf = (v: number): number => fr.left + ((v - low) / (high - low)) * fr.plotW;
  const yOf = (share: number): number => fr.top + (1 - (Math.log10(Math.max(share, 10 ** yMinExp)) - yMinExp) / -yMinExp) * fr.plotH;
  const bottom = fr.top + fr.plotH;
  const out: string[] = [
    `<svg class="histogram" xmlns="http://www.w3.org/2000/svg" width="${fr.width}" height="${fr.height}" viewBox="0 0 ${fr.width} ${fr.height}" font-family="sans-serif" font-size="12" role="img" aria-label="${escapeXml(title)}">`,
    `<rect width="${fr.width}" height="${fr.height}" fill="white"/>`,
    `<text x="${fr.width / 2}" y="22" text-anchor="middle" font-size="14">${escapeXml(title)}</text>`,
  ];
  for (let e = yMinExp; e <= 0; e++) {
    const y = f1(yOf(10 ** e));
    out.push(`<line x1="${fr.left}" y1="${y}" x2="${fr.left + fr.plotW}" y2="${y}" stroke="#eee"/>`, `<text x="${fr.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${decadeLabel(e)}</text>`);
  }
  for (let v = low; v <= high; v += 10) {
    const x = f1(xOf(v));
    const label = v === high ? `≥${v - h.width}` : String(v);
    out.push(`<line x1="${x}" y1="${bottom}" x2="${x}" y2="${bottom + 4}" stroke="#333"/>`, `<text x="${x}" y="${bottom + 16}" text-anchor="middle">${label}</text>`);
  }
  const bars = (counts: readonly number[], total: number, colour: string, kind: string): void => {
    if (total === 0) return;
    counts.forEach((c, k) => {
      if (c === 0) return;
      const y = yOf(c / total);
      out.push(`<rect class="bin" data-kind="${kind}" x="${f1(xOf(h.edges[k]))}" y="${f1(y)}" width="${f1(xOf(h.edges[k] + h.width) - xOf(h.edges[k]))}" height="${f1(bottom - y)}" fill="${colour}" fill-opacity="0.45" stroke="${colour}" stroke-width="0.8"/>`);
    });
  };
  bars(h.impostor, totalI, '#d62728', 'impostor');
  bars(h.genuine, totalG, '#1f77b4', 'genuine');
  THRESHOLDS.forEach(([t, name], k) => {
    const x = f1(xOf(t));
    // Staggered: the thresholds are closer together than their labels are wide.
    out.push(`<line x1="${x}" y1="${fr.top}" x2="${x}" y2="${bottom}" stroke="#333" stroke-dasharray="4 3"/>`, `<text x="${x}" y="${fr.top + 12 + k * 13}" text-anchor="start" dx="3" font-size="10">${t}: ${name}</text>`);
  });
  out.push(
    `<rect x="${fr.left}" y="${fr.top}" width="${fr.plotW}" height="${fr.plotH}" fill="none" stroke="#333"/>`,
    `<text x="${fr.left + fr.plotW / 2}" y="${fr.height - 24}" text-anchor="middle">calibrated score (−10·log10 FMR); bins of ${h.width}</text>`,
    `<text x="16" y="${(fr.top + bottom) / 2}" text-anchor="middle" transform="rotate(-90 16 ${(fr.top + bottom) / 2})">share of comparisons</text>`,
  );
  const legend = [['#1f77b4', `genuine (${totalG.toLocaleString('en-US')})`], ['#d62728', `impostor (${totalI.toLocaleString('en-US')})`]];
  legend.forEach(([c, text], i) => {
    const y = fr.top + 30 + i * 17;
    out.push(`<rect x="${fr.left + fr.plotW - 170}" y="${y - 6}" width="12" height="12" fill="${c}" fill-opacity="0.45" stroke="${c}"/>`, `<text x="${fr.left + fr.plotW - 152}" y="${y}" dominant-baseline="middle">${text}</text>`);
  });
  if (h.genuineFailed + h.impostorFailed > 0) {
    out.push(`<text x="${fr.left}" y="${fr.height - 6}" font-size="11" fill="#555">not drawn: ${h.genuineFailed} genuine and ${h.impostorFailed} impostor comparisons scored −∞ (a sample failed to enrol)</text>`);
  }
  out.push('</svg>');
  return out.join('\n');
}
