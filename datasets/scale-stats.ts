/**
 * The statistics a synthetic background must share with real minutiae templates, measured the
 * same way on both: count, frame, spread and fill of the print area, spacing, how well
 * directions agree with their neighbours' (the orientation field's coherence), ending share.
 * `formatStatsTable` prints real and synthetic side by side (`npm run datasets -- scale --report`).
 */
import type { Minutia, MinutiaeRecord } from '../engine/index.ts';

export interface MinutiaStats {
  records: number;
  /** Minutiae per record: mean, standard deviation, 5th / 50th / 95th percentiles. */
  count: { mean: number; sd: number; p5: number; p50: number; p95: number };
  /** Most common frame and resolution, and the share of records that have it. */
  frame: { width: number; height: number; resolution: number; share: number };
  /** Minutiae's bounding box as a share of the frame, mean per record. */
  bboxWidthShare: number;
  bboxHeightShare: number;
  /** Area of the minutiae's convex hull over the frame area, mean per record. */
  hullFill: number;
  /** Minutiae per 10,000 px² of their convex hull, mean per record. */
  density: number;
  /** Centroid, px: mean over records, and standard deviation across records. */
  centroidX: { mean: number; sd: number };
  centroidY: { mean: number; sd: number };
  /** Nearest-neighbour distance, px: median over all minutiae, and share under 10 px. */
  nearestMedian: number;
  nearestUnder10: number;
  /** Pairs of minutiae per record at 10–20, 20–40 and 40–80 px: the neighbourhoods cylinders see. */
  pairsPerRecord: [number, number, number];
  /** Mean cos 2Δθ over pairs closer than COHERENCE_RADIUS: 1 parallel flow, 0 unrelated directions. */
  orientationCoherence: number;
  /** Mean cos Δθ over the same pairs: how often close minutiae point the same way (polarity). */
  polarityAgreement: number;
  /** Share of directions closer to vertical than horizontal (|sin θ| > |cos θ|). */
  verticalShare: number;
  /** Share of directions pointing down on screen (ISO angle in 225°–315°). */
  downShare: number;
  /** Share of endings among typed minutiae. */
  endingShare: number;
}

/** Pairs of minutiae closer than this (px) measure the local coherence of directions. */
export const COHERENCE_RADIUS = 30;

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(p * (sorted.length - 1))))];
}

function meanSd(values: readonly number[]): { mean: number; sd: number } {
  const mean = values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, values.length - 1);
  return { mean, sd: Math.sqrt(variance) };
}

/** Area of the convex hull of the points (monotone chain, shoelace). */
export function hullArea(points: readonly Minutia[]): number {
  const p = points.map((m) => [m.x, m.y] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (p.length < 3) return 0;
  const cross = (o: readonly number[], a: readonly number[], b: readonly number[]) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const chain = (pts: (readonly [number, number])[]) => {
    const h: (readonly [number, number])[] = [];
    for (const q of pts) {
      while (h.length >= 2 && cross(h[h.length - 2], h[h.length - 1], q) <= 0) h.pop();
      h.push(q);
    }
    h.pop();
    return h;
  };
  const hull = [...chain(p), ...chain(p.slice().reverse())];
  let twice = 0;
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i], b = hull[(i + 1) % hull.length];
    twice += a[0] * b[1] - b[0] * a[1];
  }
  return Math.abs(twice) / 2;
}

/** Statistics of the first finger view of each record. */
export function minutiaStats(records: readonly MinutiaeRecord[]): MinutiaStats {
  const counts: number[] = [];
  const frames = new Map<string, number>();
  const bw: number[] = [], bh: number[] = [], fill: number[] = [], density: number[] = [], cx: number[] = [], cy: number[] = [];
  const nearest: number[] = [];
  const pairBands = [0, 0, 0];
  let coherence = 0, polarity = 0, pairs = 0, endings = 0, typed = 0, vertical = 0, down = 0, directions = 0;
  for (const r of records) {
    const ms = r.views[0]?.minutiae ?? [];
    counts.push(ms.length);
    const key = `${r.width}x${r.height}@${r.resolutionX}`;
    frames.set(key, (frames.get(key) ?? 0) + 1);
    if (ms.length === 0) continue;
    const xs = ms.map((m) => m.x), ys = ms.map((m) => m.y);
    bw.push((Math.max(...xs) - Math.min(...xs)) / r.width);
    bh.push((Math.max(...ys) - Math.min(...ys)) / r.height);
    const area = hullArea(ms);
    fill.push(area / (r.width * r.height));
    if (area > 0) density.push((ms.length / area) * 10_000);
    cx.push(xs.reduce((s, v) => s + v, 0) / ms.length);
    cy.push(ys.reduce((s, v) => s + v, 0) / ms.length);
    for (let i = 0; i < ms.length; i++) {
      let best = Infinity;
      for (let j = 0; j < ms.length; j++) {
        if (i === j) continue;
        const d = Math.hypot(ms[i].x - ms[j].x, ms[i].y - ms[j].y);
        best = Math.min(best, d);
        if (j > i) {
          if (d >= 10 && d < 20) pairBands[0]++;
          else if (d >= 20 && d < 40) pairBands[1]++;
          else if (d >= 40 && d < 80) pairBands[2]++;
        }
        if (j > i && d < COHERENCE_RADIUS) {
          const delta = ms[i].angle - ms[j].angle;
          coherence += Math.cos(2 * delta);
          polarity += Math.cos(delta);
          pairs++;
        }
      }
      if (best < Infinity) nearest.push(best);
      const a = ms[i].angle;
      directions++;
      if (Math.abs(Math.sin(a)) > Math.abs(Math.cos(a))) vertical++;
      if (a >= 1.25 * Math.PI && a < 1.75 * Math.PI) down++;
      if (ms[i].type !== 'other') {
        typed++;
        if (ms[i].type === 'ending') endings++;
      }
    }
  }
  const sortedCounts = counts.slice().sort((a, b) => a - b);
  const sortedNearest = nearest.sort((a, b) => a - b);
  const [frameKey, frameCount] = [...frames.entries()].sort((a, b) => b[1] - a[1])[0] ?? ['0x0@0', 0];
  const [w, rest] = frameKey.split('x');
  const [h, res] = rest.split('@');
  const mean = (v: number[]) => meanSd(v).mean;
  return {
    records: records.length,
    count: { ...meanSd(counts), p5: percentile(sortedCounts, 0.05), p50: percentile(sortedCounts, 0.5), p95: percentile(sortedCounts, 0.95) },
    frame: { width: Number(w), height: Number(h), resolution: Number(res), share: frameCount / Math.max(1, records.length) },
    bboxWidthShare: mean(bw),
    bboxHeightShare: mean(bh),
    hullFill: mean(fill),
    density: mean(density),
    centroidX: meanSd(cx),
    centroidY: meanSd(cy),
    nearestMedian: percentile(sortedNearest, 0.5),
    nearestUnder10: sortedNearest.filter((d) => d < 10).length / Math.max(1, sortedNearest.length),
    pairsPerRecord: pairBands.map((c) => c / Math.max(1, records.length)) as [number, number, number],
    orientationCoherence: coherence / Math.max(1, pairs),
    polarityAgreement: polarity / Math.max(1, pairs),
    verticalShare: vertical / Math.max(1, directions),
    downShare: down / Math.max(1, directions),
    endingShare: endings / Math.max(1, typed),
  };
}

/** Rows of (label, value) for one set of statistics, formatted for the table. */
function rows(s: MinutiaStats): [string, string][] {
  const f = (v: number, d = 2) => v.toFixed(d);
  return [
    ['records', String(s.records)],
    ['minutiae per record: mean ± sd', `${f(s.count.mean, 1)} ± ${f(s.count.sd, 1)}`],
    ['minutiae per record: p5 / p50 / p95', `${s.count.p5} / ${s.count.p50} / ${s.count.p95}`],
    ['frame (share of records)', `${s.frame.width}×${s.frame.height} @ ${s.frame.resolution} px/cm (${f(100 * s.frame.share, 0)} %)`],
    ['bounding box / frame: width, height', `${f(s.bboxWidthShare)}, ${f(s.bboxHeightShare)}`],
    ['convex hull / frame area', f(s.hullFill)],
    ['density, minutiae per 10^4 px² of hull', f(s.density)],
    ['centroid x: mean ± sd, px', `${f(s.centroidX.mean, 0)} ± ${f(s.centroidX.sd, 0)}`],
    ['centroid y: mean ± sd, px', `${f(s.centroidY.mean, 0)} ± ${f(s.centroidY.sd, 0)}`],
    ['nearest neighbour: median px, share < 10 px', `${f(s.nearestMedian, 1)}, ${f(s.nearestUnder10)}`],
    ['pairs per record at 10–20 / 20–40 / 40–80 px', s.pairsPerRecord.map((v) => f(v, 1)).join(' / ')],
    [`orientation coherence (cos 2Δθ, < ${COHERENCE_RADIUS} px)`, f(s.orientationCoherence)],
    [`polarity agreement (cos Δθ, < ${COHERENCE_RADIUS} px)`, f(s.polarityAgreement)],
    ['directions nearer vertical than horizontal', f(s.verticalShare)],
    ['directions pointing down (225°–315°)', f(s.downShare)],
    ['ending share', f(s.endingShare)],
  ];
}

/** A plain-text table with one column per labelled set of statistics. */
export function formatStatsTable(columns: readonly { label: string; stats: MinutiaStats }[]): string {
  const table = columns.map((c) => rows(c.stats));
  const labels = table[0]?.map((r) => r[0]) ?? [];
  const widths = [Math.max(9, ...labels.map((l) => l.length)), ...columns.map((c, i) => Math.max(c.label.length, ...table[i].map((r) => r[1].length)))];
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(['statistic', ...columns.map((c) => c.label)]), ...labels.map((l, r) => line([l, ...table.map((t) => t[r][1])]))].join('\n');
}
