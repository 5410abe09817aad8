/**
 * The job processor: every transport hands it a parsed JSON body and gets back the MOSIP
 * response once it is durable. Stages per job: replay (answered from the log, same request only)
 * → validate → prepare (fetch → open the payload (decrypt) → intake; up to `prepareConcurrency`
 * at once) → commit (engine operation, strictly in arrival order, so an identify sees every
 * earlier insert and delete) → log (fsync) → answer. `queueLength` counts accepted jobs not yet
 * answered: MOSIP's pendingJobs. MOSIP only ever sees the referenceIds inserted through this door
 * (the job log's reference set), though the gallery is shared with the ID service.
 */
import { ClusterError, EngineError, type DedupService, type Probe, type StoredSubject } from '../../engine/index.ts';
import { IntakeError, TemplateMaker, readBiometrics, toProbe, toSubject, type Biometrics } from '../intake/index.ts';
import { candidateJson } from './candidates.ts';
import { DatashareError, type DatashareClient } from './datashare.ts';
import { FAILURE, type FailureReason } from './failure-reasons.ts';
import type { JobLogStore } from './job-log.ts';
import {
  AbisRequestError, failureResponse, parseAbisRequest, requestIdOf, successResponse, type AbisRequest, type AbisResponse,
} from './messages.ts';
import type { AbisMetrics } from './metrics.ts';
import { ABIS_PARAMS } from './params.ts';
import { PayloadError, openPayload, type PartnerKeyring } from './payload.ts';
import { requestDigest, stderrLogger, type AbisLogger } from './request-identity.ts';

/** What the processor needs from the engine and its store. */
export interface AbisBackend {
  /** One process or a cluster (a cluster answers `has`/`subject`/`count` asynchronously). */
  readonly engine: Pick<DedupService, 'insert' | 'identify' | 'delete' | 'count' | 'has' | 'subject'> & {
    /** Every stored referenceId (one process); a cluster leaves it out and the job log's own reference set stands. */
    referenceIds?(): Iterable<string>;
  };
}

/**
 * Not accepting jobs now: too many queued (ERR_ABIS_BUSY) or shutting down (ERR_ABIS_CLOSING).
 * The transport answers HTTP 503 and the client retries later (with the same requestId).
 */
export class AbisBusyError extends Error {
  readonly code: 'ERR_ABIS_BUSY' | 'ERR_ABIS_CLOSING';
  constructor(code: 'ERR_ABIS_BUSY' | 'ERR_ABIS_CLOSING', message: string) {
    super(message);
    this.name = 'AbisBusyError';
    this.code = code;
  }
}

type Prepared = { readonly failure: FailureReason } | { readonly biometrics?: Biometrics };

class Semaphore {
  #free: number;
  readonly #waiting: (() => void)[] = [];
  constructor(n: number) {
    this.#free = n;
  }
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free++;
    }
  }
}

function failureOf(error: unknown): FailureReason {
  if (error instanceof PayloadError) return FAILURE.cbeffNoData; // CTK ABIS3017: "CBEFF data decryption failure" → 11
  if (error instanceof DatashareError) return error.kind === 'expired' ? FAILURE.datashareExpired : FAILURE.fetchFailed;
  if (error instanceof IntakeError) {
    if (error.failure === 'quality') return FAILURE.qualityFailed;
    return error.failure === 'empty' || error.failure === 'mismatch' ? FAILURE.cbeffNoData : FAILURE.invalidCbeff;
  }
  if (error instanceof ClusterError) return FAILURE.internal; // a shard without a live replica, NATS unreachable: retry later
  return error instanceof EngineError ? FAILURE.unexpected : FAILURE.internal;
}

export class AbisProcessor {
  readonly #backend: AbisBackend;
  readonly #log: JobLogStore;
  readonly #datashare: DatashareClient;
  readonly #metrics: AbisMetrics;
  readonly #maker = new TemplateMaker();
  readonly #prepare = new Semaphore(ABIS_PARAMS.prepareConcurrency);
  readonly #inFlight = new Map<string, { digest: string; job: Promise<AbisResponse> }>();
  readonly #logger: AbisLogger;
  readonly #keyring: PartnerKeyring | undefined;
  #commitChain: Promise<unknown> = Promise.resolve();
  #queued = 0;
  #closing = false;

  readonly #intake: (cbeff: Uint8Array) => Promise<Biometrics>;

  /**
   * `intake` turns a fetched record into templates (default: readBiometrics in this thread);
   * `keyring` holds the partner keys that open encrypted datashare payloads (none: plain CBEFF only);
   * `logger` receives refused requests and job failures (pino's Logger fits; default: JSON lines on stderr).
   */
  constructor(options: {
    backend: AbisBackend; log: JobLogStore; datashare: DatashareClient; metrics: AbisMetrics; intake?: (cbeff: Uint8Array) => Promise<Biometrics>;
    keyring?: PartnerKeyring; logger?: AbisLogger;
  }) {
    this.#intake = options.intake ?? ((cbeff) => readBiometrics(cbeff, this.#maker));
    this.#keyring = options.keyring;
    this.#logger = options.logger ?? stderrLogger;
    this.#backend = options.backend;
    this.#log = options.log;
    this.#datashare = options.datashare;
    this.#metrics = options.metrics;
    this.#metrics.watchQueue(() => this.#queued);
  }

  /**
   * Before the first job: fills the reference set of a store made before it existed (every
   * subject but the ID service's `enr-…` enrolments), and settles inserts and deletes a crash
   * left between the engine and the log, so counts and candidate filters are right at once.
   */
  async recover(): Promise<void> {
    const log = this.#log;
    const engine = this.#backend.engine;
    if (!log.referencesInitialised && engine.referenceIds !== undefined) {
      await log.initialiseReferences([...engine.referenceIds()].filter((id) => !id.startsWith(ABIS_PARAMS.idServicePrefix)));
    }
    for (const job of [...log.unfinished()]) {
      if (await this.#backend.engine.has(job.referenceId)) {
        if (job.op === 'insert') await log.addReference(job.referenceId);
      } else await log.removeReference(job.referenceId);
    }
  }

  get queueLength(): number {
    return this.#queued;
  }

  /** Refuses new requests from now on (ERR_ABIS_CLOSING) and waits for the accepted ones. */
  async close(): Promise<void> {
    this.#closing = true;
    await this.drain();
  }

  /** Waits for every accepted job to be answered. */
  async drain(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight.values()].map((r) => r.job));
  }

  /** The MOSIP answer to one request body. Throws only AbisBusyError (queue full). */
  submit(body: unknown): Promise<AbisResponse> {
    if (this.#closing) throw new AbisBusyError('ERR_ABIS_CLOSING', 'the ABIS service is shutting down');
    const requestId = requestIdOf(body);
    const digest = requestDigest(body);
    if (requestId !== null) {
      const logged = this.#log.get(requestId);
      const running = this.#inFlight.get(requestId);
      const seen = running?.digest ?? logged?.digest;
      if (seen !== undefined && seen !== digest) return Promise.resolve(this.#reusedRequestId(body, requestId, logged));
      if (logged?.state === 'done') {
        this.#metrics.replays++;
        return Promise.resolve(logged.response);
      }
      if (running !== undefined) return running.job;
    }
    let request: AbisRequest;
    try {
      request = parseAbisRequest(body);
    } catch (error) {
      if (!(error instanceof AbisRequestError)) throw error;
      this.#metrics.job('invalid', 0, String(error.failureReason));
      return Promise.resolve(failureResponse(error.id, error.requestId, error.failureReason));
    }
    if (request.id === 'mosip.abis.ping') return Promise.resolve(successResponse(request.id, request.requestId));
    if (request.id === 'mosip.abis.pendingJobs') return Promise.resolve(successResponse(request.id, request.requestId, { jobscount: String(this.#queued) }));
    if (this.#queued >= ABIS_PARAMS.maxQueuedJobs) throw new AbisBusyError('ERR_ABIS_BUSY', `${this.#queued} jobs queued`);
    const job = this.#run(request, digest, logged(this.#log.get(request.requestId)));
    this.#inFlight.set(request.requestId, { digest, job });
    return job;
  }

  /** Another request under a used requestId: refused (4) and logged; the first one's answer stands. */
  #reusedRequestId(body: unknown, requestId: string, logged: ReturnType<JobLogStore['get']>): AbisResponse {
    const id = typeof (body as { id?: unknown }).id === 'string' ? ((body as { id: string }).id).slice(0, 64) : null;
    this.#metrics.job('invalid', 0, String(FAILURE.invalidStructure));
    this.#metrics.error('ERR_ABIS_REQUEST_ID_REUSED');
    this.#logger.warn({ code: 'ERR_ABIS_REQUEST_ID_REUSED', requestId, operation: id, firstAnsweredAt: logged === undefined ? null : new Date(logged.at).toISOString() },
      'a different request arrived under a requestId already used; refused with failure 4');
    return failureResponse(id, requestId, FAILURE.invalidStructure);
  }

  async #run(request: AbisRequest, digest: string, resumed: boolean): Promise<AbisResponse> {
    const started = performance.now();
    this.#queued++;
    try {
      const prepared = this.#prepare.run(() => this.#prepareJob(request));
      prepared.catch(() => undefined); // awaited in the commit stage; not "unhandled" meanwhile
      // Commits run one after another, in arrival order; a failed one never blocks the next.
      const committed = this.#commitChain.then(async () => this.#commit(request, await prepared, resumed, digest));
      this.#commitChain = committed.catch(() => undefined);
      let response: AbisResponse;
      try {
        response = await committed;
      } catch (error) {
        response = failureResponse(request.id, request.requestId, failureOf(error));
        const job = { requestId: request.requestId, operation: request.id, failureReason: response.failureReason };
        if (error instanceof IntakeError || error instanceof DatashareError || error instanceof PayloadError) {
          // the sender's data: the reason code only (a message could quote the payload)
          this.#logger.warn({ ...job, code: error.code }, 'ABIS job refused');
        } else {
          this.#logger.error({ ...job, code: 'ERR_ABIS_JOB', err: error }, 'ABIS job failed');
        }
      }
      // Internal errors are not final: they are answered but not logged, so a retry runs again.
      const final = response.failureReason !== String(FAILURE.internal) && response.failureReason !== String(FAILURE.unexpected);
      if (final) await this.#log.done(request.requestId, response, digest);
      this.#metrics.job(request.id, (performance.now() - started) / 1000, response.failureReason);
      return response;
    } finally {
      this.#queued--;
      this.#inFlight.delete(request.requestId);
    }
  }

  async #prepareJob(request: AbisRequest): Promise<Prepared> {
    const url = request.id === 'mosip.abis.insert' ? request.referenceURL
      : request.id === 'mosip.abis.identify' && request.referenceId === undefined ? request.referenceURL : undefined;
    if (url === undefined) return {};
    try {
      const record = await this.#datashare.fetchRecord(url);
      return { biometrics: await this.#intake(openPayload(record, this.#keyring)) };
    } catch (error) {
      if (error instanceof DatashareError || error instanceof IntakeError || error instanceof PayloadError) return { failure: failureOf(error) };
      throw error;
    }
  }

  async #commit(request: AbisRequest, prepared: Prepared, resumed: boolean, digest: string): Promise<AbisResponse> {
    const { id, requestId } = request;
    const fail = (reason: FailureReason): AbisResponse => failureResponse(id, requestId, reason);
    const engine = this.#backend.engine;
    const log = this.#log;
    switch (request.id) {
      case 'mosip.abis.insert': {
        const present = await this.#backend.engine.has(request.referenceId);
        // A retry of an insert cut short by a crash after the engine's write: it did happen.
        if (resumed && present) {
          await log.addReference(request.referenceId);
          return successResponse(id, requestId);
        }
        if (present) return fail(FAILURE.referenceExists);
        if ('failure' in prepared) return fail(prepared.failure);
        const subject = toSubject(request.referenceId, prepared.biometrics!);
        await log.started(requestId, 'insert', request.referenceId, digest);
        const r = await engine.insert(subject, { requestId });
        if (r.status !== 'inserted') return fail(FAILURE.referenceExists);
        await log.addReference(request.referenceId);
        return successResponse(id, requestId);
      }
      case 'mosip.abis.delete': {
        const held = await this.#backend.engine.has(request.referenceId);
        const present = log.isReference(request.referenceId) && held;
        if (resumed && !held) {
          await log.removeReference(request.referenceId);
          return successResponse(id, requestId);
        }
        if (!present) return fail(FAILURE.referenceNotFound);
        await log.started(requestId, 'delete', request.referenceId, digest);
        await engine.delete(request.referenceId, { requestId });
        await log.removeReference(request.referenceId);
        return successResponse(id, requestId);
      }
      case 'mosip.abis.referenceCount':
        return successResponse(id, requestId, { count: String(log.referenceCount) });
      case 'mosip.abis.identify':
        return this.#identify(request, prepared);
      default:
        return fail(FAILURE.invalidId);
    }
  }

  async #identify(request: AbisRequest & { id: 'mosip.abis.identify' }, prepared: Prepared): Promise<AbisResponse> {
    const { id, requestId } = request;
    const fail = (reason: FailureReason): AbisResponse => failureResponse(id, requestId, reason);
    const log = this.#log;
    const engine = this.#backend.engine;
    const known = async (ref: string): Promise<boolean> => log.isReference(ref) && await this.#backend.engine.has(ref);
    let probe: Probe;
    if (request.referenceId !== undefined) {
      const stored = (await known(request.referenceId)) ? await this.#backend.engine.subject(request.referenceId) : undefined;
      if (stored === undefined) return fail(FAILURE.referenceNotFound);
      probe = probeOfSubject(stored);
      if ((probe.fingers?.length ?? 0) + (probe.irises?.length ?? 0) === 0 && probe.face === undefined) return fail(FAILURE.cbeffNoData);
    } else {
      if ('failure' in prepared) return fail(prepared.failure);
      probe = toProbe(prepared.biometrics!);
    }
    // A gallery naming a referenceId this ABIS does not hold (never inserted, or deleted) is
    // answered "referenceId not found" (CTK ABIS3028), never searched partially.
    if (request.galleryIds !== undefined && !(await Promise.all(request.galleryIds.map(known))).every(Boolean)) return fail(FAILURE.referenceNotFound);
    const maxResults = request.maxResults ?? ABIS_PARAMS.defaultMaxResults;
    // The whole-gallery search also scores the ID service's enrolments; ask for enough extra
    // candidates that filtering them out leaves maxResults of MOSIP's own.
    const foreign = request.galleryIds === undefined ? Math.max(0, (await engine.count()) - log.referenceCount) : 0;
    const result = await engine.identify(probe, {
      targetFPIR: request.targetFPIR, maxResults: maxResults + Math.min(foreign, ABIS_PARAMS.foreignCandidateMargin),
      referenceIds: request.galleryIds, excludeReferenceId: request.referenceId,
    });
    const candidates = candidateJson(result, (ref) => log.isReference(ref), maxResults);
    return successResponse(id, requestId, { candidateList: { count: String(candidates.length), candidates } });
  }
}

function logged(entry: ReturnType<JobLogStore['get']>): boolean {
  return entry?.state === 'started';
}

/** A stored subject's templates as a probe (MOSIP identify by referenceId). */
export function probeOfSubject(s: StoredSubject): Probe {
  return {
    fingers: Object.entries(s.fingers).flatMap(([position, t]) => (t === undefined ? [] : [{ position: Number(position), template: t.bytes }])),
    irises: Object.entries(s.irises).flatMap(([side, t]) => (t === undefined ? [] : [{ side: side as 'left' | 'right', template: t.bytes }])),
    ...(s.face === undefined ? {} : { face: s.face.bytes }),
  };
}
