/** Every tuning constant of the ID service, with its unit. Limits can be overridden at start. */

/** UIN length in digits, check digit included (10–12; MOSIP's default is 10). */
export const DEFAULT_UIN_LENGTH = 10;
export const MIN_UIN_LENGTH = 10;
export const MAX_UIN_LENGTH = 12;
/** Fresh random UINs tried before giving up (collisions or filtered patterns); each try is a crypto draw. */
export const UIN_ATTEMPTS = 64;

/** Verify decision threshold: fused score −10·log10(FMR); 40 = FMR 1e-4 (score units). */
export const VERIFY_THRESHOLD = 40;
/** Enrolment dedup: −10·log10(FPIR) of the internal identify (30 = one false alarm per 1,000 enrolments). */
export const ENROL_TARGET_FPIR = 30;
/** Candidates kept on an adjudication case (count). */
export const ENROL_MAX_CANDIDATES = 10;
/** Scores are returned rounded to this many decimals: coarse enough to blunt hill-climbing, fine for decisions. */
export const SCORE_DECIMALS = 1;

export interface IdServiceLimits {
  /** Largest /enrol body, bytes (ten finger images in base64). */
  readonly maxEnrolBodyBytes: number;
  /** Largest body of every other route, bytes. */
  readonly maxBodyBytes: number;
  /** Time allowed for a whole request body to arrive, ms (slow-loris bodies are cut). */
  readonly bodyTimeoutMs: number;
  /** Enrolments being processed or waiting for the dedup lock; beyond: 503 (count). */
  readonly maxInFlightEnrolments: number;
  /** Verifications being processed; beyond: 503 (count). */
  readonly maxInFlightVerifications: number;
  /** Per client (credential or address): bucket size (requests) and refill (requests per second). */
  readonly clientBurst: number;
  readonly clientPerSecond: number;
  /** Per (client, address, UIN): failed verifications allowed in a burst and their refill (per second); matches spend nothing. */
  readonly uinBurst: number;
  readonly uinPerSecond: number;
  /** Most rate-limit buckets kept per kind (count); full buckets are dropped first. */
  readonly maxBuckets: number;
  /** Longest adjudication list answered at once (cases). */
  readonly maxListCases: number;
  /** Seconds a client is told to wait after a 503 (seconds). */
  readonly retryAfterBusySeconds: number;
}

export const DEFAULT_LIMITS: IdServiceLimits = Object.freeze({
  maxEnrolBodyBytes: 8 * 1024 * 1024,
  maxBodyBytes: 2 * 1024 * 1024,
  bodyTimeoutMs: 10_000,
  maxInFlightEnrolments: 16,
  maxInFlightVerifications: 64,
  clientBurst: 50,
  clientPerSecond: 20,
  uinBurst: 5,
  uinPerSecond: 1 / 12, // five a minute once the burst is spent
  maxBuckets: 100_000,
  maxListCases: 500,
  retryAfterBusySeconds: 1,
});

/** Largest demographics reference (characters). */
export const MAX_DEMOGRAPHICS_REF = 128;
/** Largest operator note on a decision (characters). */
export const MAX_DECISION_REASON = 500;
/** Request latency histogram buckets (seconds). */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
