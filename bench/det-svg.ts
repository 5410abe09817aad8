/**
 * A self-contained SVG DET plot (FNMR against FMR, both on log axes), so reports need no
 * plotting library and open in any browser.
 */
import type { DetPoint } from './metrics.ts';

export interface DetCurve {
  label: string;
  det: ReadonlyArray<Pick<DetPoint, 'fmr' | 'fnmr'>>;
}

const WIDTH = 640;
const HEIGHT = 520;
const MARGIN = { left: 70, right: 20, top: 40, bottom: 60 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;
/** Decades shown: FMR 1e-4..1 (x), FNMR 1e-3..1 (y). */
const X_MIN_EXP = -4;
const Y_MIN_EXP = -3;
/** Distinguishable on white and in grey print (Tableau 10). */
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

/** Rates below the axis floor (including exact zeros, which have no logarithm) sit on the floor. */
function xOf(fmr: number): number {
  const e = Math.min(0, Math.max(X_MIN_EXP, Math.log10(Math.max(fmr, 10 ** X_MIN_EXP))));
  return MARGIN.left + ((e - X_MIN_EXP) / -X_MIN_EXP) * PLOT_W;
}

function yOf(fnmr: number): number {
  const e = Math.min(0, Math.max(Y_MIN_EXP, Math.log10(Math.max(fnmr, 10 ** Y_MIN_EXP))));
  return MARGIN.top + (1 - (e - Y_MIN_EXP) / -Y_MIN_EXP) * PLOT_H;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** 10^e as a percentage label: 0.01 %, 0.1 %, 1 %, 10 %, 100 %. */
function decadeLabel(e: number): string {
  return `${e >= -2 ? String(10 ** (e + 2)) : (10 ** (e + 2)).toFixed(-e - 2)}%`;
}

const f1 = (v: number): string => v.toFixed(1);

export function renderDetSvg(curves: ReadonlyArray<DetCurve>, title: string): string {
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="15">${escapeXml(title)}</text>`,
  );

  // Decade gridlines with labels.
  const left = MARGIN.left;
  const right = MARGIN.left + PLOT_W;
  const top = MARGIN.top;
  const bottom = MARGIN.top + PLOT_H;
  for (let e = X_MIN_EXP; e <= 0; e++) {
    const x = f1(xOf(10 ** e));
    out.push(`<line x1="${x}" y1="${top}" x2="${x}" y2="${bottom}" stroke="#ddd"/>`);
    out.push(`<text x="${x}" y="${bottom + 16}" text-anchor="middle">${decadeLabel(e)}</text>`);
  }
  for (let e = Y_MIN_EXP; e <= 0; e++) {
    const y = f1(yOf(10 ** e));
    out.push(`<line x1="${left}" y1="${y}" x2="${right}" y2="${y}" stroke="#ddd"/>`);
    out.push(`<text x="${left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${decadeLabel(e)}</text>`);
  }
  out.push(`<rect x="${left}" y="${top}" width="${PLOT_W}" height="${PLOT_H}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${(left + right) / 2}" y="${HEIGHT - 16}" text-anchor="middle">FMR (false match rate)</text>`);
  out.push(
    `<text x="18" y="${(top + bottom) / 2}" text-anchor="middle" transform="rotate(-90 18 ${(top + bottom) / 2})">FNMR (false non-match rate)</text>`,
  );

  // EER diagonal FMR = FNMR, visible over the decades both axes share (1e-3..1).
  const d0 = 10 ** Math.max(X_MIN_EXP, Y_MIN_EXP);
  out.push(
    `<line x1="${f1(xOf(d0))}" y1="${f1(yOf(d0))}" x2="${f1(xOf(1))}" y2="${f1(yOf(1))}" stroke="#999" stroke-dasharray="4 4"/>`,
    // Labelled mid-way, off the axes and away from the legend.
    `<text x="${f1(xOf(0.03) + 6)}" y="${f1(yOf(0.03) + 4)}" fill="#999">EER</text>`,
  );

  curves.forEach((curve, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const points = curve.det.map((p) => `${f1(xOf(p.fmr))},${f1(yOf(p.fnmr))}`).join(' ');
    if (points) out.push(`<polyline points="${points}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    // Legend, top right inside the plot, where DET curves rarely go.
    const ly = top + 16 + i * 18;
    out.push(
      `<line x1="${right - 190}" y1="${ly}" x2="${right - 170}" y2="${ly}" stroke="${colour}" stroke-width="2"/>`,
      `<text x="${right - 164}" y="${ly}" dominant-baseline="middle">${escapeXml(curve.label)}</text>`,
    );
  });

  out.push('</svg>');
  return out.join('\n');
}
