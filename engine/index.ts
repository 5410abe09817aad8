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
  generateTemplateKey, TEMPLATE_KEY_ENV, TEMPLATE_KEY_FILE_ENV, StoreError, DataDirLock, LOCK_FILE,
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
  EngineOptions, EngineLogger, Probe, ProbeFinger, IdentifyOptions, IdentifyResult, Candidate, ModalityScore, VerifyResult, ProbeIris, IrisSideOrUnknown,
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
export {
  checkFingerSample, checkFingerMinutiae, checkFingerImage, minutiaeSpread, ridgeStructure, QualityGateError,
  type QualityGateReason, type FingerSample, type MinutiaeSpread, type RidgeStructure,
} from './quality-gate.ts';
export { QUALITY_GATE } from './quality-gate-params.ts';
export type { DedupService, WriteOptions } from './dedup-service.ts';
export {
  ClusterClient, ClusterNode, ClusterError, ShardUnavailableError, CLUSTER_PARAMS, CLUSTER_NAMES, shardOf, placeShards, mergeIdentify,
  type ClusterClientOptions, type ClusterIdentifyTiming, type ClusterNodeOptions, type ClusterTiming, type ClusterErrorCode, type PlacementInput, type StoredAssignment,
} from './cluster/index.ts';
// Face (engine/face/README.md)
export { FaceExtractor, type FaceInput, type FaceTemplateResult, type FaceExplanation, type FaceStageTimes } from './face/extractor.ts';
export { FaceMatcher, type FaceGallery } from './face/matcher.ts';
export { FaceSubjectGallery, type FaceCandidate, type FaceIdentifyOptions } from './face/face-gallery.ts';
export { FacePool } from './face/pool.ts';
export type { FaceQuality } from './face/quality.ts';
export { faceTemplateFromBytes, faceTemplateToBytes } from './face/template.ts';
export { faceImageBytes } from './face/record.ts';
export { decodeFaceImage } from './face/decode.ts';
export { FaceSubjects, FACE_TEMPLATE_VERSION } from './gallery/face-subjects.ts';
export { calibrateFaceScore } from './face-calibration.ts';
export {
  readIso19794_5, writeIso19794_5, faceRepresentation, faceRecordVersion, FACE_RECORD_LIMITS,
  type FaceImageRecord, type FaceRepresentation, type FaceLandmarkPoint, type FaceImageDataType, type FaceRecordVersion,
} from './formats/iso19794-5.ts';
export { faceBirs, MOSIP_FACE_FORMAT_TYPE } from './formats/cbeff.ts';
export { workerFile } from './worker-file.ts';
