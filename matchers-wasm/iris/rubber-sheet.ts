// Stage 3: Daugman's rubber sheet. Each angle's segment from the pupil boundary to the limbus
// (two circles, not concentric) is sampled at NORM_RADIAL points, so pupil dilation and the
// circles' offset are undone; angle 0 points right, angles grow clockwise (image y is down).
// Samples outside the image or on a reflection are -1, masked by the next stage.
import { boundarySample } from './image';
import { pupilX, pupilY, pupilRadius } from './pupil';
import { irisX, irisY, irisRadius } from './limbus';
import { NORM_RADIAL, NORM_ANGULAR, NORM_INNER_MARGIN, NORM_OUTER_MARGIN } from './params';

/** Normalised iris, row-major: NORM_RADIAL rows (pupil → limbus) × NORM_ANGULAR columns. */
export const sheet = new StaticArray<f32>(NORM_RADIAL * NORM_ANGULAR);
/** Image position of each sheet sample, px (the eyelid stage masks by position). */
export const sheetX = new StaticArray<f32>(NORM_RADIAL * NORM_ANGULAR);
export const sheetY = new StaticArray<f32>(NORM_RADIAL * NORM_ANGULAR);

export function unwrap(): void {
  const span: f32 = 1.0 - NORM_INNER_MARGIN - NORM_OUTER_MARGIN;
  for (let j = 0; j < NORM_ANGULAR; j++) {
    const t = <f32>(2.0 * Math.PI) * <f32>j / <f32>NORM_ANGULAR;
    const c = Mathf.cos(t), s = Mathf.sin(t);
    const px = pupilX + pupilRadius * c, py = pupilY + pupilRadius * s;
    const ix = irisX + irisRadius * c, iy = irisY + irisRadius * s;
    for (let i = 0; i < NORM_RADIAL; i++) {
      const rho = NORM_INNER_MARGIN + span * (<f32>i + 0.5) / <f32>NORM_RADIAL;
      const x = px + (ix - px) * rho, y = py + (iy - py) * rho;
      unchecked(sheetX[i * NORM_ANGULAR + j] = x);
      unchecked(sheetY[i * NORM_ANGULAR + j] = y);
      unchecked(sheet[i * NORM_ANGULAR + j] = boundarySample(x, y));
    }
  }
}
