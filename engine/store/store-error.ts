import { EngineError } from '../errors.ts';

/**
 * Codes of the store's errors. Callers branch on these, never on message text.
 * - ERR_STORE_NO_KEY: no template key configured (start-up).
 * - ERR_STORE_KEY: a key is configured but unusable (malformed, unreadable file, both set).
 * - ERR_STORE_INPUT: a subject or referenceId rejected before anything was written.
 * - ERR_STORE_CORRUPT: a stored record failed authentication or could not be decoded.
 * - ERR_STORE_VERSION: the store or a record was written by a newer, unknown format.
 * - ERR_STORE_CLOSED: the store was used after close().
 * - ERR_STORE_LOCKED: another engine (process, or one already open in this one) holds the data folder.
 */
export type StoreErrorCode =
  | 'ERR_STORE_NO_KEY'
  | 'ERR_STORE_KEY'
  | 'ERR_STORE_INPUT'
  | 'ERR_STORE_CORRUPT'
  | 'ERR_STORE_VERSION'
  | 'ERR_STORE_CLOSED'
  | 'ERR_STORE_LOCKED';

/**
 * A store failure. Messages may name a referenceId, a field or a file path; they never carry
 * key material or template bytes, so they are safe to log.
 */
export class StoreError extends EngineError {
  declare readonly code: StoreErrorCode;
  /** The subject concerned, when there is one. */
  readonly referenceId: string | undefined;

  constructor(code: StoreErrorCode, message: string, options: { referenceId?: string; cause?: unknown } = {}) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StoreError';
    this.referenceId = options.referenceId;
  }
}

/** ERR_STORE_INPUT with the reason first, so a log line reads as the rule that was broken. */
export function inputError(reason: string, referenceId?: string): StoreError {
  return new StoreError('ERR_STORE_INPUT', `invalid input: ${reason}`, referenceId === undefined ? {} : { referenceId });
}
