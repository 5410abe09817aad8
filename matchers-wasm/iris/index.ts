// Public surface of the iris kernel: extract a template (code + mask) from a gray eye image,
// prepare a probe's rotations once, compare it against one template or a gallery, and the
// plain one-position scan the speed bench measures beside it.
import { MAX_IMAGE_SIDE, MAX_IMAGE_PIXELS, MAX_SHIFT, MIN_USABLE_SHARE, MIN_SHARPNESS, MIN_IRIS_PUPIL_CONTRAST, MIN_IRIS_RADIUS_PX, NORM_RADIAL, NORM_ANGULAR, CODE_ANGLES } from './params';
import { TEMPLATE_MAGIC, TEMPLATE_BYTES, HEADER_BYTES, CODE_BITS, HEADER_TOTAL_BYTES, HEADER_CODE_BITS, HEADER_USABLE_BITS, HEADER_FREEDOM_WEIGHT } from './layout';
import { codeFreedomWeight } from './code-freedom';
import { setImage } from './image';
import { markReflections } from './reflections';
import { setPupilRange } from './search-ranges';
import { findPupil, pupilX, pupilY, pupilRadius } from './pupil';
import { findLimbus, irisX, irisY, irisRadius } from './limbus';
import { unwrap, sheet, sheetX, sheetY } from './rubber-sheet';
import { maskOcclusions, usable } from './occlusion';
import { maskEyelids, upperV, upperX, upperK, lowerV, lowerX, lowerK } from './eyelids';
import { maskLashes } from './lashes';
import { releaseBrightIslands } from './bright-islands';
import { initFilters, encode } from './gabor';
import { measureSharpness, occludedShare } from './sharpness';
import { resetQuality, measureQuality, usableArea, irisPupilContrast, irisScleraContrast, pupilCircularity, pupilDilation, marginHorizontal, marginVertical } from './quality';
import { PREPARED_BYTES, SHIFTS, prepareRotations, compareRotations, plainDistance, lastShift, lastComparedBits, lastHammingDistance, lastPairWeight, lastScoreDistance } from './hamming';
import { COARSE_KEEP_SHARE, COARSE_SURE_SIMILARITY, COARSE_MIN_PROBE_SHARE, COARSE_MIN_GALLERY } from './params';
import { COARSE_BITS, COARSE_ENTRY_BYTES, COARSE_PREPARED_BYTES, COARSE_SHIFTS, coarseFromTemplate, prepareCoarse, coarseScan } from './coarse';

initFilters();

/** Extraction outcomes (the host maps them to typed errors / failures to enrol). */
export const EXTRACT_OK: i32 = 0;
export const EXTRACT_BAD_IMAGE: i32 = 1;
export const EXTRACT_NO_PUPIL: i32 = 2;
export const EXTRACT_NO_IRIS: i32 = 3;
export const EXTRACT_TOO_OCCLUDED: i32 = 4;
export const EXTRACT_TOO_BLURRED: i32 = 5;
export const EXTRACT_LOW_CONTRAST: i32 = 6;
export const EXTRACT_IRIS_TOO_SMALL: i32 = 7;

/** Always 1: inconsistent parameters stop the build instead (ERROR() in layout.ts, gabor.ts, hamming.ts). */
export function kernelReady(): i32 { return 1; }
export function templateMagic(): u32 { return TEMPLATE_MAGIC; }
export function templateBytes(): i32 { return TEMPLATE_BYTES; }
export function codeBits(): i32 { return CODE_BITS; }
export function codeAngles(): i32 { return CODE_ANGLES; }
export function preparedBytes(): i32 { return PREPARED_BYTES; }
export function maxShift(): i32 { return MAX_SHIFT; }
export function maxImageSide(): i32 { return MAX_IMAGE_SIDE; }
export function maxImagePixels(): i32 { return MAX_IMAGE_PIXELS; }
export function minUsableShare(): f32 { return MIN_USABLE_SHARE; }

/** Radii found by the last extraction (0 when that stage was not reached). */
let pupilRadiusOut: f32 = 0;
let irisRadiusOut: f32 = 0;
/** Quality of the last extraction (0 when the unwrapping stage was not reached). */
let sharpnessOut: f32 = 0;
let occludedOut: f32 = 0;

/** Host-managed memory: the host reserves its regions once, never per comparison. */
export function allocate(bytes: i32): usize { return heap.alloc(<usize>bytes); }

/**
 * Builds a template at `out` (templateBytes()) from the gray image at `image`; returns an
 * EXTRACT_* outcome. The header and geometry are written whatever the outcome.
 */
export function extract(image: usize, width: i32, height: i32, out: usize): i32 {
  pupilRadiusOut = 0; irisRadiusOut = 0; sharpnessOut = 0; occludedOut = 0;
  resetQuality();
  writeHeader(out, 0);
  memory.fill(out + <usize>HEADER_BYTES, 0, <usize>(TEMPLATE_BYTES - HEADER_BYTES));
  if (width < 32 || height < 32 || width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width * height > MAX_IMAGE_PIXELS) return EXTRACT_BAD_IMAGE;
  setImage(image, width, height);
  markReflections();
  setPupilRange();
  if (!findPupil()) return EXTRACT_NO_PUPIL;
  pupilRadiusOut = pupilRadius;
  if (!findLimbus()) return EXTRACT_NO_IRIS;
  irisRadiusOut = irisRadius;
  unwrap();
  maskOcclusions();
  maskEyelids();
  releaseBrightIslands();
  maskLashes();
  sharpnessOut = measureSharpness();
  occludedOut = occludedShare();
  measureQuality();
  const usableBits = encode(out);
  writeHeader(out, usableBits);
  // failure-to-enrol rules on the ISO/IEC 29794-6 measures (params.ts gives the evidence for each bar)
  if (irisRadius < MIN_IRIS_RADIUS_PX) return EXTRACT_IRIS_TOO_SMALL;
  if (<f32>usableBits < MIN_USABLE_SHARE * <f32>CODE_BITS) return EXTRACT_TOO_OCCLUDED;
  if (irisPupilContrast < MIN_IRIS_PUPIL_CONTRAST) return EXTRACT_LOW_CONTRAST;
  return sharpnessOut < MIN_SHARPNESS ? EXTRACT_TOO_BLURRED : EXTRACT_OK;
}

/** Geometry of the last extraction, px (radius 0 when that boundary was not found). */
export function lastPupilX(): f32 { return pupilX; }
export function lastPupilY(): f32 { return pupilY; }
export function lastPupilRadius(): f32 { return pupilRadiusOut; }
export function lastIrisX(): f32 { return irisX; }
export function lastIrisY(): f32 { return irisY; }
export function lastIrisRadius(): f32 { return irisRadiusOut; }
/** Eyelid parabolas of the last extraction (eyelids.ts): y = v ∓ k·(x − x0)², px; k < 0 = no lid across the iris. */
export function lastUpperLidApexY(): f32 { return upperV; }
export function lastUpperLidApexX(): f32 { return upperX; }
export function lastUpperLidCurvature(): f32 { return upperK; }
export function lastLowerLidApexY(): f32 { return lowerV; }
export function lastLowerLidApexX(): f32 { return lowerX; }
export function lastLowerLidCurvature(): f32 { return lowerK; }
/** Quality of the last extraction: focus measure (sharpness.ts) and occluded share of the iris. */
export function lastSharpness(): f32 { return sharpnessOut; }
export function lastOccludedShare(): f32 { return occludedOut; }
/** ISO/IEC 29794-6 measures of the last extraction (quality.ts; 0 when not reached). */
export function lastUsableArea(): f32 { return usableArea; }
export function lastIrisPupilContrast(): f32 { return irisPupilContrast; }
export function lastIrisScleraContrast(): f32 { return irisScleraContrast; }
export function lastPupilCircularity(): f32 { return pupilCircularity; }
export function lastPupilDilation(): f32 { return pupilDilation; }
export function lastMarginHorizontal(): f32 { return marginHorizontal; }
export function lastMarginVertical(): f32 { return marginVertical; }
/** The last normalised iris (f32, NORM_RADIAL × NORM_ANGULAR) and its usable mask (u8): transparency. */
export function sheetAddress(): usize { return changetype<usize>(sheet); }
export function usableAddress(): usize { return changetype<usize>(usable); }
/** Image position of each sample of the last normalised iris (f32 px, same layout): transparency. */
export function sheetXAddress(): usize { return changetype<usize>(sheetX); }
export function sheetYAddress(): usize { return changetype<usize>(sheetY); }
export function sheetRows(): i32 { return NORM_RADIAL; }
export function sheetColumns(): i32 { return NORM_ANGULAR; }

/** Writes the template's rotated copies (preparedBytes()) for any number of comparisons. */
export function prepareProbe(template: usize, out: usize): void { prepareRotations(template, out); }

/** Raw similarity (0–1; 0.5 ≈ chance) of a prepared probe and one template. */
export function compare(prepared: usize, template: usize): f32 { return compareRotations(prepared, template); }
export function lastBestShift(): i32 { return lastShift; }
export function lastBitsCompared(): i32 { return lastComparedBits; }
export function lastDistance(): f32 { return lastHammingDistance; }
/** Degrees-of-freedom weight of the last compare's pair (w_probe · w_template; code-freedom.ts). */
export function lastFreedomWeight(): f32 { return lastPairWeight; }
/** Normalised distance behind the last compare's score: with the local shift tolerance on, the
 *  mean over the two cuts of the halves' own shifts (hamming.ts), not the best rotation's. */
export function lastNormalisedDistance(): f32 { return lastScoreDistance; }

/** Prepared probe against `count` templates stored every `stride` bytes from `gallery`. */
export function compareMany(prepared: usize, gallery: usize, count: i32, stride: i32, scores: usize): void {
  for (let i = 0; i < count; i++) {
    store<f32>(scores + (<usize>i << 2), compareRotations(prepared, gallery + <usize>(i * stride)));
  }
}

/** The baseline scan: plain masked HD at one position of a template against the same gallery. */
export function plainScan(probe: usize, gallery: usize, count: i32, stride: i32, distances: usize): void {
  for (let i = 0; i < count; i++) {
    store<f32>(distances + (<usize>i << 2), plainDistance(probe, gallery + <usize>(i * stride)));
  }
}

export function shiftCount(): i32 { return SHIFTS; }

/** The coarse first pass of 1:N (coarse.ts): entry and prepared-probe sizes, and the scan. */
export function coarseEntryBytes(): i32 { return COARSE_ENTRY_BYTES; }
export function coarsePreparedBytes(): i32 { return COARSE_PREPARED_BYTES; }
export function coarseShiftCount(): i32 { return COARSE_SHIFTS; }
export function coarseBits(): i32 { return COARSE_BITS; }
/** The engine's coarse-pass rules (params.ts: units and why). */
export function coarseKeepShare(): f32 { return COARSE_KEEP_SHARE; }
export function coarseSureSimilarity(): f32 { return COARSE_SURE_SIMILARITY; }
export function coarseMinProbeShare(): f32 { return COARSE_MIN_PROBE_SHARE; }
export function coarseMinGallery(): i32 { return COARSE_MIN_GALLERY; }
/** Coarse entry of a template at `out` (coarseEntryBytes()); returns its usable coarse bits. */
export function coarseEntry(template: usize, out: usize): i32 { return coarseFromTemplate(template, out); }
/** A probe's coarse entry at every coarse shift (coarsePreparedBytes()); returns its usable coarse bits. */
export function prepareCoarseProbe(template: usize, out: usize): i32 { return prepareCoarse(template, out); }
export function coarseScanMany(prepared: usize, entries: usize, count: i32, stride: i32, scores: usize): void { coarseScan(prepared, entries, count, stride, scores); }

/**
 * Encodes the normalised iris the host wrote at sheetAddress() (f32 gray) and usableAddress()
 * (u8, 1 = iris) into a template at `out`, skipping segmentation: the identify bench's generated
 * background runs our own filter bank on generated textures. Returns the usable code bits.
 */
export function encodeSheet(out: usize): i32 {
  const usableBits = encode(out);
  writeHeader(out, usableBits);
  return usableBits;
}

/** The header (layout.ts) of the template at `out`, whose code and mask are written (or zero). */
function writeHeader(out: usize, usableBits: i32): void {
  store<u32>(out, TEMPLATE_MAGIC);
  store<u16>(out + <usize>HEADER_TOTAL_BYTES, <u16>TEMPLATE_BYTES);
  store<u16>(out + <usize>HEADER_CODE_BITS, <u16>CODE_BITS);
  store<u32>(out + <usize>HEADER_USABLE_BITS, usableBits);
  store<f32>(out + <usize>HEADER_FREEDOM_WEIGHT, usableBits > 0 ? codeFreedomWeight(out) : <f32>1);
}
