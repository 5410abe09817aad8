/** Every tuning constant of `npm run bench -- http`, with its unit. */
export const HTTP_BENCH = Object.freeze({
  /** Gallery subjects (each with 2 fingers), count. */
  subjects: 100_000,
  /** Seconds each timed scenario runs (s). */
  seconds: 10,
  /** Offered rate of the open-loop scenarios (requests/s). */
  rate: 500,
  /** Connections of the closed-loop (maximum throughput) scenarios (count). */
  concurrency: 16,
  /** Real enrolments through POST /enrol, timed (count). */
  enrolments: 50,
  /** Connections of the image-probe scenario: each request costs two extractions (count). */
  imageConcurrency: 2,
  /** Connections of the ABIS identify scenario (count). */
  identifyConcurrency: 2,
  /** Idle pause before each scenario, so the previous one's leftovers (queued audit writes, garbage) settle first (s). */
  settleSeconds: 2,
  /** Untimed load on the same requests before each scenario (JIT, lazily created kernels, connections) (s). */
  warmupSeconds: 1,
  /** Open loop: most requests in flight at once; beyond, due requests wait (and their wait counts) (count). */
  maxOutstanding: 256,
  /** Per-request timeout of the load generator (ms). */
  requestTimeoutMs: 30_000,
  /** Open loop: after the last scheduled send, how long answers in flight are awaited (ms). */
  drainMs: 10_000,
  /** Hard cap on requests of one scenario, whatever the time (count). */
  maxRequests: 2_000_000,
  /** Image probes sent (first impressions after the enrolled one), to keep the worker's copy small (count). */
  imageProbes: 32,
  /** Images whose extraction is timed on one core for the ceiling (count). */
  extractionSamples: 8,
  /** Fingers per subject and per probe (ISO positions FINGER_ORDER[0..1]: both index fingers). */
  fingers: 2,
  /** Seed of the gallery's synthetic background. */
  seed: 1,
});
