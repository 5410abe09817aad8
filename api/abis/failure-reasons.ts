/**
 * MOSIP ABIS API v0.9 return codes and failure reasons, as documented (MOSIP documentation,
 * biometrics/abis-api, "Failure Reasons"; registration-processor's FailureReason enum agrees).
 * Codes travel as strings.
 */
export const RETURN_SUCCESS = '1';
export const RETURN_FAILED = '2';

export const FAILURE_REASONS = Object.freeze({
  1: 'internal error - Unknown',
  2: 'aborted',
  3: 'unexpected error',
  4: 'unable to serve the request - invalid request structure',
  5: 'missing referenceId (in request body)',
  6: 'missing requestId (in request body)',
  7: 'unable to fetch biometric details (using referenceURL)',
  8: 'missing reference URL (in request body)',
  9: 'missing requesttime (in request body)',
  10: 'referenceId already exists (in ABIS)',
  11: 'CBEFF has no data',
  12: 'referenceId not found (in ABIS)',
  13: 'invalid version',
  14: 'invalid id',
  15: 'invalid requesttime format',
  16: 'invalid CBEFF format',
  17: 'data share URL has expired',
  18: 'Biometric Quality check failed',
} as const);

export type FailureReason = keyof typeof FAILURE_REASONS;

/** Names for the codes used in this code base (read better than bare numbers). */
export const FAILURE = Object.freeze({
  internal: 1, aborted: 2, unexpected: 3, invalidStructure: 4, missingReferenceId: 5, missingRequestId: 6,
  fetchFailed: 7, missingReferenceUrl: 8, missingRequestTime: 9, referenceExists: 10, cbeffNoData: 11,
  referenceNotFound: 12, invalidVersion: 13, invalidId: 14, invalidRequestTime: 15, invalidCbeff: 16,
  datashareExpired: 17, qualityFailed: 18,
} as const satisfies Record<string, FailureReason>);
