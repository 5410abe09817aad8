/**
 * Generated NIR-like eye images with known geometry, for tests of the iris pipeline: a flat
 * dark pupil (as CASIA-V1's pre-filled ones), an iris ring whose texture is a seeded function
 * of (radius share, angle) — so rotating the eye rotates the texture exactly — bright sclera,
 * optional eyelids (straight or curved), eyelashes, specular spots, weaker contrast, soft 1-px
 * edges and seeded noise.
 * No claim of realism beyond that: they check geometry, rotation and masking, not accuracy.
 */
import type { GrayImage } from '../engine/index.ts';
import { mulberry32 } from './synthetic.ts';

export interface SyntheticEye {
  width: number;
  height: number;
  pupil: { x: number; y: number; radius: number };
  iris: { x: number; y: number; radius: number };
  /** Texture identity: the same seed is the same eye. */
  textureSeed: number;
  /** Eye rotation, radians, clockwise on screen (image y points down). */
  rotation?: number;
  /** Upper eyelid: everything above this image row (within the eye) is skin. */
  eyelidY?: number;
  /** Lower eyelid: everything below this image row is skin. */
  lowerEyelidY?: number;
  /** Specular spots: small saturated disks. */
  speculars?: Array<{ x: number; y: number; radius: number }>;
  /** Seed of the sensor noise (±3 gray levels). */
  noiseSeed?: number;
  /** Eyelid curvature, px⁻¹: each lid row is eyelidY + curvature·(x − iris.x)² (upper lid
   *  curving down at the sides, lower lid curving up), as real lids are; 0 = straight. */
  lidCurvature?: number;
  /** Eyelashes: dark thin curves hanging from the upper lid across the iris. */
  eyelashes?: { count: number; length: number; seed: number };
  /** Gray differences pupil→iris and iris→sclera scaled by this (1 = default; 0.4 = weak contrast). */
  contrast?: number;
}

const PUPIL_GRAY = 40;
const IRIS_GRAY = 115;
const SCLERA_GRAY = 200;
const SKIN_GRAY = 215;
const LASH_GRAY = 30;
/** Half-width of an eyelash, px. */
const LASH_HALF_WIDTH = 0.9;
const TEXTURE_WAVES = 12;

/** Smooth step over one pixel: 0 inside (d < −0.5), 1 outside (d > 0.5). */
const edge = (d: number): number => Math.min(1, Math.max(0, d + 0.5));

export function generateEye(eye: SyntheticEye): GrayImage {
  const { width, height, pupil, iris } = eye;
  const random = mulberry32(eye.textureSeed);
  const waves = Array.from({ length: TEXTURE_WAVES }, () => ({
    frequency: 3 + Math.floor(random() * 20), // cycles around the ring
    phase: random() * 2 * Math.PI,
    radial: (random() - 0.5) * 12, // phase change from pupil to limbus, rad
    amplitude: 6 + random() * 8,
  }));
  const noise = mulberry32(eye.noiseSeed ?? 1);
  const rotation = eye.rotation ?? 0;
  const contrast = eye.contrast ?? 1;
  const pupilGray = IRIS_GRAY - (IRIS_GRAY - PUPIL_GRAY) * contrast;
  const scleraGray = IRIS_GRAY + (SCLERA_GRAY - IRIS_GRAY) * contrast;
  const curvature = eye.lidCurvature ?? 0;
  const lashMask = eyelashMask(eye);
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const dp = Math.hypot(x - pupil.x, y - pupil.y) - pupil.radius;
      const di = Math.hypot(x - iris.x, y - iris.y) - iris.radius;
      const theta = Math.atan2(y - pupil.y, x - pupil.x) - rotation;
      // share of the way from the pupil boundary to the limbus along this direction (approx.)
      const rho = Math.min(1, Math.max(0, dp / Math.max(1, dp - di)));
      let texture = 0;
      for (const w of waves) texture += w.amplitude * Math.sin(w.frequency * theta + w.phase + w.radial * rho);
      const irisGray = IRIS_GRAY + texture * 0.5;
      let v = pupilGray + (irisGray - pupilGray) * edge(dp);
      v = v + (scleraGray - v) * edge(di);
      const bend = curvature * (x - iris.x) ** 2;
      if ((eye.eyelidY !== undefined && y < eye.eyelidY + bend) || (eye.lowerEyelidY !== undefined && y > eye.lowerEyelidY - bend)) v = SKIN_GRAY;
      if (lashMask !== null && lashMask[y * width + x] === 1) v = LASH_GRAY;
      for (const s of eye.speculars ?? []) if (Math.hypot(x - s.x, y - s.y) <= s.radius) v = 255;
      v += (noise() - 0.5) * 6;
      pixels[y * width + x] = Math.max(0, Math.min(255, Math.round(v)));
    }
  }
  return { width, height, pixels };
}

/** 1 where an eyelash covers the pixel: from points on the upper lid edge (or above the iris
 *  when there is no lid), gently curved strands hanging down and outwards. Null when none. */
function eyelashMask(eye: SyntheticEye): Uint8Array | null {
  if (eye.eyelashes === undefined || eye.eyelashes.count <= 0) return null;
  const { width, height, iris } = eye;
  const mask = new Uint8Array(width * height);
  const random = mulberry32(eye.eyelashes.seed);
  const lidY = eye.eyelidY ?? iris.y - iris.radius;
  for (let k = 0; k < eye.eyelashes.count; k++) {
    const x0 = iris.x + (random() * 2 - 1) * iris.radius * 1.2;
    const y0 = lidY + (eye.lidCurvature ?? 0) * (x0 - iris.x) ** 2;
    const lean = (x0 - iris.x) / iris.radius * 0.5 + (random() - 0.5) * 0.4;
    const length = eye.eyelashes.length * (0.6 + 0.4 * random());
    for (let t = 0; t <= length; t += 0.5) {
      const cx = x0 + lean * t + 0.004 * t * t * Math.sign(lean), cy = y0 + t;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const px = Math.round(cx) + dx, py = Math.round(cy) + dy;
        if (px < 0 || py < 0 || px >= width || py >= height) continue;
        if (Math.hypot(px - cx, py - cy) <= LASH_HALF_WIDTH) mask[py * width + px] = 1;
      }
    }
  }
  return mask;
}
