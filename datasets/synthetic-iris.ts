/**
 * Generated NIR-like eye images with known geometry, for tests of the iris pipeline: a flat
 * dark pupil (as CASIA-V1's pre-filled ones), an iris ring whose texture is a seeded function
 * of (radius share, angle) — so rotating the eye rotates the texture exactly — bright sclera,
 * optional eyelids and specular spots, soft 1-px edges and seeded noise.
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
}

const PUPIL_GRAY = 40;
const IRIS_GRAY = 115;
const SCLERA_GRAY = 200;
const SKIN_GRAY = 215;
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
      let v = PUPIL_GRAY + (irisGray - PUPIL_GRAY) * edge(dp);
      v = v + (SCLERA_GRAY - v) * edge(di);
      if ((eye.eyelidY !== undefined && y < eye.eyelidY) || (eye.lowerEyelidY !== undefined && y > eye.lowerEyelidY)) v = SKIN_GRAY;
      for (const s of eye.speculars ?? []) if (Math.hypot(x - s.x, y - s.y) <= s.radius) v = 255;
      v += (noise() - 0.5) * 6;
      pixels[y * width + x] = Math.max(0, Math.min(255, Math.round(v)));
    }
  }
  return { width, height, pixels };
}
