/**
 * The engine's public API, one section per concept. Everything else under engine/ is private:
 * api/, bench/, datasets/ and demo/ import from here only (tests may reach deeper).
 * A name is here because a door, the bench or an integrator needs it, or because a public
 * signature uses it; helpers stay in their modules.
 */

// Errors: every typed error carries a stable `code` string.
export { EngineError, RecordFormatError } from './errors.ts';

// Formats: ISO/IEC 19794-2/-4/-5/-6, ANSI 378, MOSIP CBEFF (engine/formats).
export type { Minutia, MinutiaType, FingerView, MinutiaeRecord } from './minutiae.ts';
export {
  readIso19794_2, writeIso19794_2, readAnsi378, readMinutiaeRecord, RECORD_LIMITS,
  readIso19794_4, writeIso19794_4, fingerViewDpi, FINGER_RECORD_LIMITS, decodeFingerImageRecord, decodeFingerView,
  readIso19794_6, writeIso19794_6, IRIS_RECORD_LIMITS, decodeIrisImage,
  type FingerImageRecord, type FingerImageView, type FingerImageEdition, type FingerImageCompression, type FingerScaleUnits,
  type FingerCaptureDateTime, type FingerQualityBlock, type FingerCertificationBlock, type DecodedFingerView,
  type IrisImageRecord, type IrisRepresentation, type IrisImageType, type IrisImageFormat, type IrisEyeLabel,
  type IrisOrientation, type IrisCompressionHistory, type IrisCaptureDateTime, type IrisQualityBlock,
} from './formats/index.ts';
export {
  readIso19794_5, writeIso19794_5, faceRepresentation, faceRecordVersion, FACE_RECORD_LIMITS,
  type FaceImageRecord, type FaceRepresentation, type FaceLandmarkPoint, type FaceImageDataType, type FaceRecordVersion,
} from './formats/iso19794-5.ts';
export {
  readCbeff, writeCbeff, decodeBase64Strict, faceBirs, CBEFF_LIMITS, MOSIP_FACE_FORMAT_TYPE,
  type CbeffRecord, type CbeffBir, type CbeffLimits, type CbeffBirInput,
} from './formats/cbeff.ts';

// Images: decoders (BMP, PGM, WSQ, JPEG 2000, and what sharp reads), resampling (engine/images).
export {
  decodeGrayImage, decodeBmp, decodePgm, encodePgm, decodeImage, detectImageFormat, decodeJpeg2000, encodeJpeg2000, decodeWsq,
  DEFAULT_DECODE_LIMITS,
  type GrayImage, type DecodeLimits, type ImageFormat, type Jpeg2000EncodeOptions, type WsqImage,
} from './images/index.ts';
export { resampleGray, resampleToDpi } from './images/resample.ts';

// Finger: extractor, matcher (full and compact template forms), prefilter vectors, quality gate.
export {
  FingerExtractor, QualityTooLowError, EXTRACTOR_DPI, MIN_ENROL_MINUTIAE, MAX_RECORD_MINUTIAE,
  type ExtractOptions, type FingerExtraction, type ExtractionExplanation, type CandidateMinutia,
} from './finger-extractor.ts';
export type { RemovalStage } from './finger-extractor-kernel.ts';
export {
  FingerMatcher, templateMinutiae,
  type FingerTemplate, type TemplateMinutia, type TemplateOptions, type PreparedProbe, type FingerGallery,
  type ComparisonEvidence, type PairingEvidence, type GalleryForm,
} from './finger-matcher.ts';
export { compactFingerTemplate, expandFingerTemplate } from './finger-compact.ts';
export type { KernelVariant, KernelSource } from './finger-kernel.ts';
export { calibrateFingerScore } from './finger-calibration.ts';
export {
  fingerVector, templateVector, pairHistogramFeatures, FingerIndex, PREFILTER, PREFILTER_INDEX,
  type FingerIndexOptions, type FingerSearchOptions, type FingerSearchResult,
} from './prefilter/index.ts';
export {
  checkFingerSample, checkFingerMinutiae, checkFingerImage, QualityGateError,
  type QualityGateReason, type FingerSample, type MinutiaeSpread, type RidgeStructure,
} from './quality-gate.ts';

// Iris: segmentation, encoding and matching (engine/iris-matcher.ts over matchers-wasm/iris).
export {
  IrisMatcher,
  type IrisTemplate, type IrisCircle, type IrisEyelid, type IrisCaptureQuality, type IrisPreparedProbe, type IrisGallery, type IrisComparisonEvidence,
} from './iris-matcher.ts';
export { calibrateIrisScore } from './iris-calibration.ts';

// Face: detection to int8 embedding on a WebAssembly backend, matching (engine/face/README.md).
export { FaceExtractor, type FaceInput, type FaceTemplateResult, type FaceExplanation, type FaceStageTimes } from './face/extractor.ts';
export { FaceMatcher, type FaceGallery } from './face/matcher.ts';
export type { FaceQuality } from './face/quality.ts';
export { faceTemplateToBytes } from './face/template.ts';
export { faceImageBytes } from './face/record.ts';
export { decodeFaceImage } from './face/decode.ts';

// Store: encrypted subjects in LMDB, the template key, the data-folder lock (engine/store).
export {
  openSubjectStore, SubjectStore, DURABLE_LMDB_OPTIONS, DEFAULT_STORE_LIMITS, TemplateKey, loadTemplateKey, parseTemplateKey,
  generateTemplateKey, TEMPLATE_KEY_ENV, TEMPLATE_KEY_FILE_ENV, StoreError,
  type SubjectStoreOptions, type InsertResult, type DeleteResult, type StoreChange, type Subject, type StoredSubject,
  type BiometricTemplate, type Modality, type FingerPosition, type IrisSide, type StoreLimits, type StoreErrorCode,
} from './store/index.ts';

// Engine: 1:N over sharded galleries in a worker pool; the service the doors use.
export { DedupEngine, FINGER_TEMPLATE_VERSION, IRIS_TEMPLATE_VERSION } from './gallery/dedup-engine.ts';
export { FACE_TEMPLATE_VERSION } from './gallery/face-subjects.ts';
export type {
  EngineOptions, EngineLogger, Probe, ProbeFinger, ProbeIris, IrisSideOrUnknown, IdentifyStages,
  IdentifyOptions, IdentifyResult, Candidate, ModalityScore, VerifyResult,
} from './gallery/engine-types.ts';
export { fuseScores, decisionThreshold } from './gallery/fusion.ts';
export type { DedupService, WriteOptions } from './dedup-service.ts';
export { ScanPool } from './gallery/scan-pool.ts';
export { workerFile } from './worker-file.ts';

// Cluster: the engine on NATS JetStream (engine/cluster/README.md).
export {
  ClusterClient, ClusterNode, ClusterError, ShardUnavailableError, CLUSTER_PARAMS, shardOf,
  type ClusterClientOptions, type ClusterIdentifyTiming, type ClusterNodeOptions, type ClusterTiming, type ClusterErrorCode, type StoredAssignment,
} from './cluster/index.ts';
