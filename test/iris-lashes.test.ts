/**
 * The lash stage (matchers-wasm/iris/lashes.ts): thin dark lines under the upper lid are masked,
 * dark crypts of the same depth are not. Generated eyes with an upper lid, then lashes (1.8 px
 * wide strands) and crypts (disks 0.14 iris radii wide) painted into the iris by darkening it by
 * the same amount, crypts only where the texture is light enough that the ring's plain dark
 * threshold (occlusion.ts) leaves them, so only their width tells them apart. Truth is known per
 * pixel; the kernel's sample positions (lastNormalisedIris x, y) say which code samples fall on
 * which.
 */
import { describe, expect, it } from 'vitest';
import { generateEye, type SyntheticEye } from '../datasets/synthetic-iris.ts';
import { mulberry32 } from '../datasets/synthetic.ts';
import { IRIS_FRAMES, type IrisFrameName } from './support/iris-frames.ts';
import { IrisMatcher, type GrayImage } from '../engine/index.ts';

const matcher = new IrisMatcher();
/** Lashes and crypts darken the iris under them by this many gray levels: ≈ 2.5 ring spreads
 *  (measured on these eyes: ring median 114, spread 10.3–10.5 gray levels). */
const FEATURE_DEPTH = 25;
/** Crypts only where the texture under the whole disk is at least this light: darkened, they stay
 *  above the plain dark threshold (median − 3 spreads ≈ 83 here), which would mask them. */
const CRYPT_FLOOR = 110;
const LASH_HALF_WIDTH = 0.9;

/** lash: every lash pixel; crypt: the crypts' cores (0.6 of their radius). */
interface Painted { image: GrayImage; lash: Uint8Array; crypt: Uint8Array }

/** An eye with its upper lid 0.6 iris radii above the iris centre (no lower lid across the iris). */
function eyeOf(frame: IrisFrameName): SyntheticEye {
  const f = IRIS_FRAMES[frame];
  return { ...f, textureSeed: 11, noiseSeed: 4, eyelidY: f.iris.y - 0.6 * f.iris.radius, lidCurvature: 0.2 / f.iris.radius };
}

/** Paints `lashes` strands hanging from the lid (right of the iris centre) and up to `crypts` disks in the band under it (left). */
function paint(eye: SyntheticEye, lashes: number, crypts: number): Painted {
  const image = generateEye(eye);
  const { width, height } = image;
  const pixels = image.pixels.slice();
  const lash = new Uint8Array(width * height), crypt = new Uint8Array(width * height), painted = new Uint8Array(width * height);
  const { x: cx, y: cy, radius: r } = eye.iris;
  const lidAt = (x: number): number => eye.eyelidY! + (eye.lidCurvature ?? 0) * (x - cx) ** 2;
  const random = mulberry32(21);
  for (let k = 0; k < lashes; k++) {
    const x0 = cx + (0.1 + 0.6 * random()) * r, lean = (random() - 0.5) * 0.4, length = (0.12 + 0.12 * random()) * r; // within the band the stage searches (0.5 r)
    for (let t = 0; t <= length; t += 0.25) {
      const px = x0 + lean * t, py = lidAt(x0) + t;
      for (let y = Math.floor(py) - 2; y <= Math.ceil(py) + 2; y++) for (let x = Math.floor(px) - 2; x <= Math.ceil(px) + 2; x++) {
        if (Math.hypot(x - px, y - py) <= LASH_HALF_WIDTH) lash[y * width + x] = 1;
      }
    }
  }
  // crypts: disks of radius 0.07 iris radii, centred 0.1–0.28 radii under the lid on the other
  // side of the iris from the lashes (lashes right, crypts left), where the texture is lightest,
  // apart from each other
  const cr = 0.07 * r;
  const candidates: Array<{ x: number; y: number; lightest: number }> = [];
  for (let x0 = cx - 0.7 * r; x0 <= cx - 0.1 * r; x0 += 2) for (let d = 0.1; d <= 0.28; d += 0.03) {
    const y0 = lidAt(x0) + d * r;
    let darkest = 255;
    for (let y = Math.floor(y0 - cr); y <= y0 + cr; y++) for (let x = Math.floor(x0 - cr); x <= x0 + cr; x++) {
      if (Math.hypot(x - x0, y - y0) <= cr) darkest = Math.min(darkest, pixels[y * width + x]!);
    }
    if (darkest >= CRYPT_FLOOR) candidates.push({ x: x0, y: y0, lightest: darkest });
  }
  candidates.sort((p, q) => q.lightest - p.lightest);
  const centres: Array<{ x: number; y: number }> = [];
  for (const c of candidates) {
    if (centres.length >= crypts) break;
    if (centres.some((o) => Math.hypot(o.x - c.x, o.y - c.y) < 2 * cr + 4)) continue;
    centres.push(c);
    for (let y = Math.floor(c.y - cr); y <= c.y + cr; y++) for (let x = Math.floor(c.x - cr); x <= c.x + cr; x++) {
      const d = Math.hypot(x - c.x, y - c.y);
      if (d <= cr) painted[y * width + x] = 1;
      if (d <= 0.6 * cr) crypt[y * width + x] = 1; // the core: a rim sample may be grown over by a lash's rule
    }
  }
  for (let i = 0; i < pixels.length; i++) if (lash[i] === 1 || painted[i] === 1) pixels[i] = pixels[i]! - FEATURE_DEPTH;
  return { image: { width, height, pixels }, lash, crypt };
}

/** Share of the code samples lying on a painted pixel (nearest pixel) that the kernel masked, and how many there were. */
function maskedShare(painted: Painted, which: 'lash' | 'crypt'): { share: number; samples: number } {
  matcher.createTemplate(painted.image);
  const sheet = matcher.lastNormalisedIris();
  expect(sheet.x).toBeDefined();
  const truth = painted[which];
  let on = 0, masked = 0;
  for (let k = 0; k < sheet.rows * sheet.columns; k++) {
    const x = Math.round(sheet.x![k]!), y = Math.round(sheet.y![k]!);
    if (truth[y * painted.image.width + x] !== 1) continue;
    on++;
    if (sheet.usable[k] === 0) masked++;
  }
  return { share: on > 0 ? masked / on : 0, samples: on };
}

describe('lashes told from crypts by their width (generated eyes, known features)', () => {
  for (const frame of ['MMU1-like 320×240', 'CASIA-like 320×280'] as const) {
    it(`${frame}: lash samples under the upper lid are masked, crypt samples of the same gray are not`, () => {
      const painted = paint(eyeOf(frame), 8, 5);
      const lashes = maskedShare(painted, 'lash'), crypts = maskedShare(painted, 'crypt');
      // enough of each on the coded ring for the shares to mean something
      expect(lashes.samples).toBeGreaterThan(80);
      expect(crypts.samples).toBeGreaterThan(25);
      // measured when written: lashes 0.92 / 0.92 masked, crypt cores 0.02 / 0.00 (MMU1-like / CASIA-like);
      // with the stage off (LASH_LINE false) lashes 0.43 / 0.56 and crypt cores 0 / 0: this test fails
      expect(lashes.share).toBeGreaterThan(0.8);
      expect(crypts.share).toBeLessThan(0.1);
    });

    it(`${frame}: crypts alone cost (almost) no code`, () => {
      const eye = eyeOf(frame);
      const plain = matcher.createTemplate(generateEye(eye));
      const withCrypts = matcher.createTemplate(paint(eye, 0, 6).image);
      expect(withCrypts.usableBitShare).toBeGreaterThan(plain.usableBitShare - 0.02);
    });
  }
});
