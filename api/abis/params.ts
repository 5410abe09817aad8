/** Every tuning constant of the ABIS door, with its unit. */
export const ABIS_PARAMS = Object.freeze({
  /** Largest HTTP request body or WebSocket message, bytes (a MOSIP request with a 10k-id gallery fits). */
  maxRequestBytes: 1024 * 1024,
  /** A request body must arrive within this, ms (slow-loris bound). */
  bodyTimeoutMs: 10_000,
  /** Jobs accepted and not finished before new ones are refused with 503 (backpressure), count. */
  maxQueuedJobs: 10_000,
  /** Inserts fetching/extracting at once (their engine commits still run in arrival order), count. */
  prepareConcurrency: 4,
  /** Worker threads decoding and extracting CBEFF records (0: in the service's own thread), count. */
  intakeThreads: 2,
  /** Largest datashare response, bytes (ten WSQ fingers + irises + face is a few MB). */
  maxRecordBytes: 32 * 1024 * 1024,
  /** Whole datashare fetch (connect + headers + body), ms. */
  fetchTimeoutMs: 30_000,
  /** Auth endpoint call, ms. */
  authTimeoutMs: 15_000,
  /** requestId / referenceId longest accepted, characters (LMDB keys are at most 511 bytes). */
  maxIdLength: 256,
  /** Most referenceIds in an identify gallery, count. */
  maxGalleryIds: 100_000,
  /** WebSocket: bytes buffered on a socket before responses are parked until `drain`. */
  wsMaxBufferedBytes: 1024 * 1024,
  /** WebSocket: requests in flight per socket before new ones are refused as busy, count. */
  wsMaxInFlight: 1000,
  /** Candidates returned when the request names no maxResults (the engine's default), count. */
  defaultMaxResults: 10,
  /**
   * Extra candidates asked of the engine on a whole-gallery identify when the gallery also holds
   * ID-service enrolments, which are filtered out of MOSIP's list (more above the threshold for
   * one probe would mean a population of duplicates), count.
   */
  foreignCandidateMargin: 100,
  /** The ID service's enrolment ids (api/id-service: `enr-<hex>`): left out of the ABIS reference set when a store made before that set is opened. */
  idServicePrefix: 'enr-',
  /** Highest internalScore reported, −10·log10 FMR (100 ⇔ FMR 1e-10: beyond any calibration set's support; candidates.ts). */
  maxReportedScore: 100,
  /** Histogram buckets of job latency, seconds. */
  latencyBuckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as readonly number[],
});
