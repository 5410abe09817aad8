/**
 * Typed errors with stable `code` strings (Node core style). Callers branch on `code`,
 * never on message text; `reason` is a human sentence safe to log (never biometric data).
 */
export class EngineError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EngineError';
    this.code = code;
  }
}

/** A biometric record (ISO/ANSI/CBEFF) that is malformed, truncated or out of range. */
export class RecordFormatError extends EngineError {
  /** Byte offset where the problem was found, when known. */
  readonly offset: number | undefined;
  constructor(code: string, message: string, offset?: number) {
    super(code, offset === undefined ? message : `${message} (at byte ${offset})`);
    this.name = 'RecordFormatError';
    this.offset = offset;
  }
}
