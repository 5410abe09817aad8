/**
 * The engine's public API. Everything else under engine/ is private: bench/, datasets/ and
 * (later) api/ import from here only.
 */
export { EngineError, RecordFormatError } from './errors.ts';
export type { Minutia, MinutiaType, FingerView, MinutiaeRecord } from './minutiae.ts';
export { dpiToPxPerCm } from './minutiae.ts';
export {
  readIso19794_2, writeIso19794_2, readAnsi378, readMinutiaeRecord, RECORD_LIMITS,
} from './formats/index.ts';
export {
  FingerMatcher, templateMinutiae,
  type FingerTemplate, type TemplateMinutia, type TemplateOptions, type PreparedProbe, type FingerGallery,
  type ComparisonEvidence, type PairingEvidence, type GalleryForm,
} from './finger-matcher.ts';
export { compactFingerTemplate, expandFingerTemplate } from './finger-compact.ts';
export type { KernelVariant, KernelSource } from './finger-kernel.ts';
export { calibrateFingerScore } from './finger-calibration.ts';
export {
  decodeGrayImage, decodeBmp, decodePgm, encodePgm, DEFAULT_DECODE_LIMITS,
  type GrayImage, type DecodeLimits,
} from './images/index.ts';
export {
  IrisMatcher,
  type IrisTemplate, type IrisCircle, type IrisCaptureQuality, type IrisPreparedProbe, type IrisGallery, type IrisComparisonEvidence,
} from './iris-matcher.ts';
export { calibrateIrisScore } from './iris-calibration.ts';
export {
  openSubjectStore, SubjectStore, DURABLE_LMDB_OPTIONS, DEFAULT_STORE_LIMITS, TemplateKey, loadTemplateKey, parseTemplateKey,
  generateTemplateKey, TEMPLATE_KEY_ENV, TEMPLATE_KEY_FILE_ENV, StoreError,
  type SubjectStoreOptions, type InsertResult, type DeleteResult, type StoreChange, type Subject, type StoredSubject,
  type BiometricTemplate, type Modality, type FingerPosition, type IrisSide, type StoreLimits, type StoreErrorCode,
} from './store/index.ts';
export {
  decodeImage, detectImageFormat, decodeJpeg2000, encodeJpeg2000,
  type ImageFormat, type Jpeg2000EncodeOptions,
} from './images/index.ts';
export {
  readIso19794_6, writeIso19794_6, IRIS_RECORD_LIMITS, decodeIrisImage,
  type IrisImageRecord, type IrisRepresentation, type IrisImageType, type IrisImageFormat, type IrisEyeLabel,
  type IrisOrientation, type IrisCompressionHistory, type IrisCaptureDateTime, type IrisQualityBlock,
} from './formats/index.ts';
export { DedupEngine, FINGER_TEMPLATE_VERSION, IRIS_TEMPLATE_VERSION } from './gallery/dedup-engine.ts';
export { fuseScores, decisionThreshold, bestOfScore } from './gallery/fusion.ts';
export { POOL_SIZE_ENV } from './gallery/scan-pool.ts';
export { GALLERY_PARAMS } from './gallery/params.ts';
export type {
  EngineOptions, Probe, ProbeFinger, IdentifyOptions, IdentifyResult, Candidate, ModalityScore, VerifyResult, ProbeIris, IrisSideOrUnknown,
} from './gallery/engine-types.ts';
export {
  fingerVector, templateVector, isEmptyVector, pairHistogramFeatures, FINGER_VECTOR_DIMENSION, FingerIndex, PREFILTER, PREFILTER_INDEX,
  type FingerIndexOptions, type FingerSearchOptions, type FingerSearchResult,
} from './prefilter/index.ts';
export {
  FingerExtractor, QualityTooLowError, EXTRACTOR_DPI, MIN_ENROL_MINUTIAE, MAX_RECORD_MINUTIAE,
  type ExtractOptions, type FingerExtraction, type ExtractionExplanation, type CandidateMinutia,
} from './finger-extractor.ts';
export { REMOVAL_STAGES, type RemovalStage } from './finger-extractor-kernel.ts';
export { resampleGray, resampleToDpi } from './images/resample.ts';
export { decodeWsq, type WsqImage } from './images/index.ts';
export {
  readIso19794_4, writeIso19794_4, fingerViewDpi, FINGER_RECORD_LIMITS, decodeFingerImageRecord, decodeFingerView,
  type FingerImageRecord, type FingerImageView, type FingerImageEdition, type FingerImageCompression, type FingerScaleUnits,
  type FingerCaptureDateTime, type FingerQualityBlock, type FingerCertificationBlock, type DecodedFingerView,
} from './formats/index.ts';
export {
  readCbeff, writeCbeff, decodeBase64Strict, CBEFF_LIMITS,
  type CbeffRecord, type CbeffBir, type CbeffLimits, type CbeffBirInput,
} from './formats/cbeff.ts';
