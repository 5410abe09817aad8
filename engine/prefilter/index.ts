/**
 * The 1:N prefilter's public API: a fixed-length vector per finger and an hnswlib index over
 * them, so identify re-scores a short candidate list instead of the whole gallery.
 */
export { fingerVector, templateVector, templateFeatures, vectorOfFeatures, isEmptyVector, pairHistogramFeatures, FINGER_VECTOR_DIMENSION } from './finger-vector.ts';
export { addCylinderCodes } from './cylinder-codes.ts';
export {
  FingerIndex, type FingerIndexOptions, type FingerSearchOptions, type FingerSearchResult,
} from './finger-index.ts';
export { PREFILTER, PREFILTER_INDEX } from './params.ts';
