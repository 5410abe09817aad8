/**
 * Where an iris set's errors come from (issue 14): enrols every image of a set with one kernel
 * build, lists the failures to enrol and the worst genuine pairs (lowest calibrated scores),
 * and writes a PNG per named image: the eye with the pupil (green) and limbus (red) circles and
 * the kernel's occlusion mask projected back (masked samples blue, usable ones left gray),
 * with the normalised iris and its mask below. For looking at, not for measuring.
 *
 *   node --import tsx bench/iris-overlay.ts --set DIR [--layout mmu1|casia] [--kernel FILE]
 *        [--worst 20] [--out /tmp/iris-overlay] [--image NAME ...]
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { IrisMatcher, type IrisEyelid, type IrisTemplate } from '../engine/iris-matcher.ts';
import { decodeGrayImage } from '../engine/index.ts';
import { listCasiaIrisSamples, type IrisSample } from '../datasets/casia-iris.ts';
import { listMmu1Samples } from '../datasets/mmu1.ts';

/** The rubber sheet's margins (matchers-wasm/iris/params.ts NORM_INNER/OUTER_MARGIN), for drawing only. */
const INNER_MARGIN = 0.04, OUTER_MARGIN = 0.1;

interface Enrolled { lids: IrisEyelid[]; sample: IrisSample; template: IrisTemplate | null; failure: string | null; gray: Float32Array; usable: Uint8Array; rows: number; columns: number; pixels: Uint8Array; width: number; height: number }

function main(): Promise<void> {
  const { values } = parseArgs({ options: {
    set: { type: 'string' }, layout: { type: 'string' }, kernel: { type: 'string' }, worst: { type: 'string' },
    out: { type: 'string' }, image: { type: 'string', multiple: true },
  } });
  const dir = values.set ?? join(import.meta.dirname, '..', '..', 'shared', 'data', 'iris', 'mmu1');
  const samples = (values.layout ?? 'mmu1') === 'mmu1' ? listMmu1Samples(dir) : listCasiaIrisSamples(dir);
  const matcher = new IrisMatcher(values.kernel);
  const out = values.out ?? '/tmp/iris-overlay';
  mkdirSync(out, { recursive: true });
  const enrolled: Enrolled[] = samples.map((sample) => {
    const image = decodeGrayImage(new Uint8Array(readFileSync(sample.file)));
    let template: IrisTemplate | null = null, failure: string | null = null;
    try { template = matcher.createTemplate(image); } catch (e) { failure = (e as { code?: string }).code ?? String(e); }
    const sheet = matcher.lastNormalisedIris();
    const lids = [template?.upperLid, template?.lowerLid].filter((l) => l !== undefined);
    return { lids, sample, template, failure, ...sheet, pixels: image.pixels, width: image.width, height: image.height };
  });
  for (const e of enrolled) if (e.failure !== null) console.log(`FTE ${e.sample.identity} ${e.sample.name}: ${e.failure}`);
  const genuine: Array<{ a: Enrolled; b: Enrolled; score: number }> = [];
  for (let i = 0; i < enrolled.length; i++) {
    for (let j = i + 1; j < enrolled.length; j++) {
      const a = enrolled[i], b = enrolled[j];
      if (a.sample.identity !== b.sample.identity || a.template === null || b.template === null) continue;
      genuine.push({ a, b, score: matcher.compare(a.template, b.template) });
    }
  }
  genuine.sort((x, y) => x.score - y.score);
  const worst = Number(values.worst ?? 20);
  const named = new Set(values.image ?? []);
  for (const g of genuine.slice(0, worst)) {
    const occ = (e: Enrolled): string => (100 * (e.template?.quality?.occludedShare ?? 0)).toFixed(0);
    console.log(`${g.score.toFixed(1).padStart(6)}  ${g.a.sample.identity.padEnd(10)} ${g.a.sample.name} (occl ${occ(g.a)} %) × ${g.b.sample.name} (occl ${occ(g.b)} %)`);
    named.add(g.a.sample.name); named.add(g.b.sample.name);
  }
  for (const e of enrolled) if (e.failure !== null) named.add(e.sample.name);
  return Promise.all(enrolled.filter((e) => named.has(e.sample.name)).map((e) => render(e, join(out, `${e.sample.identity}-${e.sample.name}.png`)))).then(() => {
    console.log(`${named.size} overlays in ${out}`);
  });
}

/** The eye with its circles and mask, and the sheet (2× scaled) below it. */
async function render(e: Enrolled, file: string): Promise<void> {
  const sheetScale = 2;
  const W = Math.max(e.width, e.columns * sheetScale), H = e.height + 2 * e.rows * sheetScale + 4;
  const rgb = new Uint8Array(W * H * 3);
  const put = (x: number, y: number, r: number, g: number, b: number): void => {
    const xi = Math.round(x), yi = Math.round(y);
    if (xi < 0 || yi < 0 || xi >= W || yi >= H) return;
    rgb.set([r, g, b], 3 * (yi * W + xi));
  };
  for (let y = 0; y < e.height; y++) for (let x = 0; x < e.width; x++) { const v = e.pixels[y * e.width + x]; put(x, y, v, v, v); }
  const p = e.template?.pupil, s = e.template?.iris;
  if (p !== undefined && s !== undefined && p.radius > 0 && s.radius > 0) {
    const span = 1 - INNER_MARGIN - OUTER_MARGIN;
    for (let j = 0; j < e.columns; j++) {
      const t = (2 * Math.PI * j) / e.columns, c = Math.cos(t), sn = Math.sin(t);
      const px = p.x + p.radius * c, py = p.y + p.radius * sn, ix = s.x + s.radius * c, iy = s.y + s.radius * sn;
      for (let i = 0; i < e.rows; i++) {
        if (e.usable[i * e.columns + j] !== 0) continue;
        const rho = INNER_MARGIN + (span * (i + 0.5)) / e.rows;
        const x = px + (ix - px) * rho, y = py + (iy - py) * rho;
        const k = 3 * (Math.round(y) * W + Math.round(x));
        if (k >= 0 && k < rgb.length) rgb[k + 2] = 255;
      }
    }
    for (let a = 0; a < 720; a++) {
      const t = (2 * Math.PI * a) / 720;
      put(p.x + p.radius * Math.cos(t), p.y + p.radius * Math.sin(t), 0, 255, 0);
      put(s.x + s.radius * Math.cos(t), s.y + s.radius * Math.sin(t), 255, 0, 0);
    }
    for (const lid of e.lids) {
      for (let x = 0; x < e.width; x++) put(x, lid.apexY + lid.bend * (x - lid.apexX) ** 2, 255, 255, 0);
    }
  }
  for (let i = 0; i < e.rows; i++) {
    for (let j = 0; j < e.columns; j++) {
      const v = Math.max(0, Math.min(255, e.gray[i * e.columns + j]));
      const m = e.usable[i * e.columns + j] !== 0;
      for (let dy = 0; dy < sheetScale; dy++) for (let dx = 0; dx < sheetScale; dx++) {
        put(j * sheetScale + dx, e.height + 2 + i * sheetScale + dy, v, v, v);
        put(j * sheetScale + dx, e.height + 4 + e.rows * sheetScale + i * sheetScale + dy, m ? v : 0, m ? v : 0, m ? v : 255);
      }
    }
  }
  await sharp(Buffer.from(rgb), { raw: { width: W, height: H, channels: 3 } }).resize(W * 2, H * 2, { kernel: 'nearest' }).png().toFile(file);
}

void main();
