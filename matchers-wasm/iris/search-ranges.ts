// Stage 0b: the boundary search ranges, from the image itself. An eye image is framed around
// one eye, so its size bounds the pupil; the pupil found then bounds the iris through the
// anatomy's pupil/iris ratio. Nothing here is tied to one sensor's resolution.
import { imageWidth, imageHeight } from './image';
import {
  PUPIL_MIN_RADIUS_SHARE, PUPIL_MAX_RADIUS_SHARE, IRIS_MAX_RADIUS_SHARE, IRIS_MIN_RADIUS_SHARE, MIN_BOUNDARY_RADIUS,
  MAX_PUPIL_IRIS_RATIO, MIN_PUPIL_IRIS_RATIO, IRIS_MIN_RING,
} from './params';

export let pupilMinRadius: i32 = 0;
export let pupilMaxRadius: i32 = 0;
export let irisMinRadius: i32 = 0;
export let irisMaxRadius: i32 = 0;

/** Pupil range from the image's shorter side. */
export function setPupilRange(): void {
  const side = <f32>min(imageWidth, imageHeight);
  pupilMinRadius = max(MIN_BOUNDARY_RADIUS, <i32>(PUPIL_MIN_RADIUS_SHARE * side));
  pupilMaxRadius = max(pupilMinRadius + 2, <i32>(PUPIL_MAX_RADIUS_SHARE * side));
}

/** Iris range from the pupil found (pupil/iris ratio 0.15–0.62) and the image size; false when empty. */
export function setIrisRange(pupilRadius: f32): bool {
  const side = <f32>min(imageWidth, imageHeight);
  irisMinRadius = max(max(<i32>pupilRadius + IRIS_MIN_RING, <i32>Mathf.ceil(pupilRadius / MAX_PUPIL_IRIS_RATIO)), <i32>(IRIS_MIN_RADIUS_SHARE * side));
  irisMaxRadius = min(<i32>(pupilRadius / MIN_PUPIL_IRIS_RATIO), <i32>(IRIS_MAX_RADIUS_SHARE * side));
  return irisMaxRadius > irisMinRadius;
}
