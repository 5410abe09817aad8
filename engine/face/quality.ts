/**
 * Stage 7 — quality and the failure-to-enrol rules. Measured from the landmarks (in the input
 * image) and the aligned chip:
 * - eye distance, px between the eye centres in the input image;
 * - yaw: where the nose tip (30) falls between the jaw ends (0, 16) along the eye line,
 *   asin((dLeft − dRight)/(dLeft + dRight)); positive when the nose is towards the image right;
 * - pitch: the nose tip's height between the eye line and the mouth centre against dlib's mean
 *   shape (0.509 there), asin(2·(ratio − 0.509)); positive when the face looks down. Both are
 *   rough 2-D estimates, good enough to refuse a profile, not to measure a pose;
 * - sharpness: mean |Laplacian| of the chip's gray levels in the central face region;
 * - exposure: that region's mean gray level and its share of clipped pixels.
 */
import { EngineError } from '../errors.ts';
import { FACE_PARAMS } from './params.ts';
import { chipFaceRegion, type AlignedFace } from './align.ts';
import { eyeCentres, landmarkCentre, type Landmarks68 } from './landmarks.ts';

export interface FaceQuality {
  /** A face was found (always true on a template; false only in `explain`). */
  faceFound: boolean;
  /** Other faces of comparable size in the image (see detect.ts). */
  otherFaces: number;
  eyeDistancePx: number;
  yawDegrees: number;
  pitchDegrees: number;
  /** Mean |Laplacian| of the chip's central region, gray levels. */
  sharpness: number;
  /** Mean gray level of the chip's central region, 0–255. */
  meanLevel: number;
  /** Share of that region at 0–5 or 250–255. */
  clippedShare: number;
  /** Detector confidence, 0–1. */
  detectorScore: number;
}

/** Frontal nose-tip height between eyes and mouth in dlib's mean shape. */
const FRONTAL_NOSE_RATIO = 0.509;
const DEGREES = 180 / Math.PI;

export function measureQuality(points: Landmarks68, aligned: AlignedFace, detectorScore: number, otherFaces: number): FaceQuality {
  const eyes = eyeCentres(points);
  const ex = eyes.right[0] - eyes.left[0], ey = eyes.right[1] - eyes.left[1];
  const eyeDistancePx = Math.hypot(ex, ey);
  const ux = ex / eyeDistancePx, uy = ey / eyeDistancePx;
  const along = (i: number): number => points[2 * i] * ux + points[2 * i + 1] * uy;
  const dLeft = Math.abs(along(30) - along(0)), dRight = Math.abs(along(16) - along(30));
  const yaw = Math.asin(clamp((dLeft - dRight) / Math.max(1e-6, dLeft + dRight))) * DEGREES;
  const across = (p: [number, number]): number => -p[0] * uy + p[1] * ux;
  const eyeLine = (across(eyes.left) + across(eyes.right)) / 2;
  const mouth = across(landmarkCentre(points, 48, 68));
  const nose = across([points[60], points[61]]);
  const ratio = (nose - eyeLine) / Math.max(1e-6, mouth - eyeLine);
  const pitch = Math.asin(clamp(2 * (ratio - FRONTAL_NOSE_RATIO))) * DEGREES;
  return { faceFound: true, otherFaces, eyeDistancePx, yawDegrees: yaw, pitchDegrees: pitch, detectorScore, ...chipMeasures(aligned) };
}

function clamp(v: number): number {
  return Math.max(-1, Math.min(1, v));
}

/** Sharpness and exposure over the chip's central face region (brows to chin, inside the jaw). */
function chipMeasures(aligned: AlignedFace): { sharpness: number; meanLevel: number; clippedShare: number } {
  const size = aligned.chipSize;
  const [left, top, right, bottom] = chipFaceRegion();
  const gray = (x: number, y: number): number => {
    const o = (y * size + x) * 3;
    return 0.299 * aligned.chip[o] + 0.587 * aligned.chip[o + 1] + 0.114 * aligned.chip[o + 2];
  };
  let laplacian = 0, level = 0, clipped = 0, n = 0;
  for (let y = top; y <= bottom; y++) {
    for (let x = left; x <= right; x++) {
      const g = gray(x, y);
      laplacian += Math.abs(4 * g - gray(x - 1, y) - gray(x + 1, y) - gray(x, y - 1) - gray(x, y + 1));
      level += g;
      if (g <= 5 || g >= 250) clipped++;
      n++;
    }
  }
  return { sharpness: laplacian / n, meanLevel: level / n, clippedShare: clipped / n };
}

/** Throws the failure-to-enrol error the quality calls for, if any. */
export function checkEnrolable(quality: FaceQuality, params = FACE_PARAMS.quality): void {
  const fail = (code: string, reason: string): never => { throw new EngineError(code, reason); };
  if (quality.eyeDistancePx < params.minEyeDistancePx) fail('ERR_FACE_TOO_SMALL', `eyes ${quality.eyeDistancePx.toFixed(1)} px apart, below ${params.minEyeDistancePx} px`);
  if (Math.abs(quality.yawDegrees) > params.maxYawDegrees) fail('ERR_FACE_POSE', `yaw ≈ ${quality.yawDegrees.toFixed(0)}°, beyond ±${params.maxYawDegrees}°`);
  if (Math.abs(quality.pitchDegrees) > params.maxPitchDegrees) fail('ERR_FACE_POSE', `pitch ≈ ${quality.pitchDegrees.toFixed(0)}°, beyond ±${params.maxPitchDegrees}°`);
  if (quality.meanLevel < params.minMeanLevel || quality.meanLevel > params.maxMeanLevel) fail('ERR_FACE_EXPOSURE', `mean face level ${quality.meanLevel.toFixed(0)} outside ${params.minMeanLevel}–${params.maxMeanLevel}`);
  if (quality.clippedShare > params.maxClippedShare) fail('ERR_FACE_EXPOSURE', `${(quality.clippedShare * 100).toFixed(0)} % of the face clipped`);
  if (quality.sharpness < params.minSharpness) fail('ERR_FACE_BLURRED', `sharpness ${quality.sharpness.toFixed(2)} below ${params.minSharpness}`);
}
