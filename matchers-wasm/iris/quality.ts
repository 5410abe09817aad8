// Quality stage: the capture measures of ISO/IEC 29794-6 (iris image quality), computed from
// the boundaries found and the image, so a failure to enrol says why and the host can explain
// every template. Definitions follow the standard's terms in simplified, stated form:
// - usable iris area: share of the iris ring (normalised) not hidden by lids, lashes, reflections;
// - iris–pupil and iris–sclera contrast: Michelson-style differences of region grays, %;
// - pupil boundary circularity: 100 × (1 − RMS deviation of the edge radius per angle / radius);
// - pupil dilation: pupil radius / iris radius, %;
// - margins: the iris circle's distance to the image borders, in iris radii (left/right and
//   top/bottom separately: the standard asks more room sideways);
// - sharpness: sharpness.ts.
import { boundarySample, imageWidth, imageHeight } from './image';
import { pupilX, pupilY, pupilRadius } from './pupil';
import { irisX, irisY, irisRadius } from './limbus';
import { ringMedian } from './occlusion';
import { occludedShare } from './sharpness';
import { QUALITY_ANGLES, SCLERA_INNER_SHARE, SCLERA_OUTER_SHARE, PUPIL_CORE_SHARE, CIRCULARITY_SEARCH_SHARE } from './params';

export let usableArea: f32 = 0;
export let irisPupilContrast: f32 = 0;
export let irisScleraContrast: f32 = 0;
export let pupilCircularity: f32 = 0;
export let pupilDilation: f32 = 0;
export let marginHorizontal: f32 = 0;
export let marginVertical: f32 = 0;

export function resetQuality(): void {
  usableArea = 0; irisPupilContrast = 0; irisScleraContrast = 0; pupilCircularity = 0;
  pupilDilation = 0; marginHorizontal = 0; marginVertical = 0;
}

/** Every measure above; call after the occlusion stage. */
export function measureQuality(): void {
  usableArea = 1 - occludedShare();
  const pupilGray = discMean(pupilX, pupilY, PUPIL_CORE_SHARE * pupilRadius);
  const scleraGray = lateralRingMean(irisX, irisY, SCLERA_INNER_SHARE * irisRadius, SCLERA_OUTER_SHARE * irisRadius);
  const irisGray = ringMedian;
  irisPupilContrast = michelson(irisGray, pupilGray);
  irisScleraContrast = michelson(scleraGray, irisGray);
  pupilCircularity = circularity();
  pupilDilation = irisRadius > 0 ? 100 * pupilRadius / irisRadius : 0;
  marginHorizontal = min(irisX, <f32>imageWidth - 1 - irisX) / irisRadius - 1;
  marginVertical = min(irisY, <f32>imageHeight - 1 - irisY) / irisRadius - 1;
}

/** 100·(a − b)/(a + b); 0 when either gray is unknown (-1). */
function michelson(a: f32, b: f32): f32 {
  if (a < 0 || b < 0 || a + b <= 0) return 0;
  return 100 * (a - b) / (a + b);
}

/** Mean gray of the non-specular pixels within radius r of (cx, cy); -1 when none. */
function discMean(cx: f32, cy: f32, r: f32): f32 {
  let sum: f32 = 0, n = 0;
  const reach = <i32>r;
  for (let dy = -reach; dy <= reach; dy++) {
    for (let dx = -reach; dx <= reach; dx++) {
      if (<f32>(dx * dx + dy * dy) > r * r) continue;
      const v = boundarySample(cx + <f32>dx, cy + <f32>dy);
      if (v >= 0) { sum += v; n++; }
    }
  }
  return n > 0 ? sum / <f32>n : -1;
}

/** Mean gray between radii r0 and r1 on the lateral arcs (±30° of horizontal, where the
 *  sclera shows beside the iris); -1 when nothing of it is in the image. */
function lateralRingMean(cx: f32, cy: f32, r0: f32, r1: f32): f32 {
  let sum: f32 = 0, n = 0;
  for (let k = 0; k < QUALITY_ANGLES; k++) {
    const t = <f32>(Math.PI / 3) * (<f32>k / <f32>(QUALITY_ANGLES - 1) - 0.5);
    const c = Mathf.cos(t), s = Mathf.sin(t);
    for (let r = r0; r <= r1; r += 1) {
      const right = boundarySample(cx + r * c, cy + r * s), left = boundarySample(cx - r * c, cy + r * s);
      if (right >= 0) { sum += right; n++; }
      if (left >= 0) { sum += left; n++; }
    }
  }
  return n > 0 ? sum / <f32>n : -1;
}

/** 100 × (1 − RMS of (edge radius − pupil radius) / pupil radius) over QUALITY_ANGLES angles;
 *  the edge radius per angle is the largest outward rise within ±CIRCULARITY_SEARCH_SHARE of
 *  the radius. Angles without a measurable rise (reflections, image border) are skipped. */
function circularity(): f32 {
  const reach = max(2, <i32>(CIRCULARITY_SEARCH_SHARE * pupilRadius));
  let sum: f32 = 0, n = 0;
  for (let k = 0; k < QUALITY_ANGLES; k++) {
    const t = <f32>(2.0 * Math.PI) * <f32>k / <f32>QUALITY_ANGLES;
    const c = Mathf.cos(t), s = Mathf.sin(t);
    let best: f32 = 0, bestR: f32 = -1;
    for (let d = -reach; d <= reach; d++) {
      const r = pupilRadius + <f32>d;
      const inner = boundarySample(pupilX + (r - 1) * c, pupilY + (r - 1) * s);
      const outer = boundarySample(pupilX + (r + 1) * c, pupilY + (r + 1) * s);
      if (inner < 0 || outer < 0) continue;
      if (outer - inner > best) { best = outer - inner; bestR = r; }
    }
    if (bestR < 0) continue;
    const e = (bestR - pupilRadius) / pupilRadius;
    sum += e * e;
    n++;
  }
  return n > 0 ? 100 * (1 - Mathf.sqrt(sum / <f32>n)) : 0;
}
