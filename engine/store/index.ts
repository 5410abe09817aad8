/**
 * The durable subject store: LMDB as the source of truth, templates sealed with AES-256-GCM.
 * This file is the folder's public API; everything else in engine/store/ is private.
 */
export { openSubjectStore, SubjectStore, DURABLE_LMDB_OPTIONS, type SubjectStoreOptions, type InsertResult, type DeleteResult, type StoreChange } from './subject-store.ts';
export {
  DEFAULT_STORE_LIMITS,
  type Subject, type StoredSubject, type BiometricTemplate, type Modality, type FingerPosition, type IrisSide, type StoreLimits,
} from './subject.ts';
export {
  TemplateKey, loadTemplateKey, parseTemplateKey, generateTemplateKey, TEMPLATE_KEY_ENV, TEMPLATE_KEY_FILE_ENV,
} from './template-key.ts';
export { StoreError, type StoreErrorCode } from './store-error.ts';
export { DataDirLock, LOCK_FILE } from './data-dir-lock.ts';
