/**
 * The job processor: every transport hands it a parsed JSON body and gets back the MOSIP
 * response once it is durable. Stages per job: replay (answered from the log) → validate →
 * prepare (fetch + intake; up to `prepareConcurrency` at once) → commit (engine operation,
 * strictly in arrival order, so an identify sees every earlier insert and delete) → log (fsync)
 * → answer. `queueLength` counts accepted jobs not yet answered: MOSIP's pendingJobs.
 */
import { ClusterError, EngineError, type DedupService, type IdentifyResult, type Probe, type StoredSubject } from '../../engine/index.ts';
import { IntakeError, MOSIP_BIOMETRIC_TYPE, TemplateMaker, readBiometrics, toProbe, toSubject, type Biometrics } from '../intake/index.ts';
import { DatashareError, type DatashareClient } from './datashare.ts';
import { FAILURE, type FailureReason } from './failure-reasons.ts';
import type { JobLogStore } from './job-log.ts';
import {
  AbisRequestError, failureResponse, parseAbisRequest, requestIdOf, successResponse, type AbisCandidateJson, type AbisRequest, type AbisResponse,
} from './messages.ts';
import type { AbisMetrics } from './metrics.ts';
import { ABIS_PARAMS } from './params.ts';

/** What the processor needs from the engine and its store. */
export interface AbisBackend {
  readonly engine: Pick<DedupService, 'insert' | 'identify' | 'delete' | 'count'>;
  /** The stored subject (identify by referenceId uses its templates as the probe); a cluster answers asynchronously. */
  subject(referenceId: string): StoredSubject | undefined | Promise<StoredSubject | undefined>;
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
  if (error instanceof DatashareError) return error.kind === 'expired' ? FAILURE.datashareExpired : FAILURE.fetchFailed;
  if (error instanceof IntakeError) {
    return error.failure === 'quality' ? FAILURE.qualityFailed : error.failure === 'empty' ? FAILURE.cbeffNoData : FAILURE.invalidCbeff;
  }
  if (error instanceof ClusterError) return FAILURE.internal; // a shard without a live replica, NATS unreachable: retry later
  return error instanceof EngineError ? FAILURE.unexpected : FAILURE.internal;
}

/** −10·log10 of the expected chance matches at this score in a gallery of N: 100 × (1 − that). */
function confidence(score: number, gallerySize: number): string {
  const margin = score - 10 * Math.log10(Math.max(1, gallerySize));
  return (100 * Math.min(1, Math.max(0, 1 - 10 ** (-margin / 10)))).toFixed(2);
}

export function candidateJson(result: IdentifyResult): AbisCandidateJson[] {
  return result.candidates.map((c) => {
    const best = new Map<'finger' | 'iris', number>();
    for (const s of c.scores) best.set(s.modality, Math.max(best.get(s.modality) ?? -Infinity, s.score));
    return {
      referenceId: c.referenceId,
      analytics: { internalScore: c.score.toFixed(2), confidence: confidence(c.score, result.gallerySize) },
      modalities: [...best].map(([m, score]) => ({
        biometricType: MOSIP_BIOMETRIC_TYPE[m],
        analytics: { internalScore: score.toFixed(2), confidence: confidence(score, result.gallerySize) },
      })),
    };
  });
}

export class AbisProcessor {
  readonly #backend: AbisBackend;
  readonly #log: JobLogStore;
  readonly #datashare: DatashareClient;
  readonly #metrics: AbisMetrics;
  readonly #maker = new TemplateMaker();
  readonly #prepare = new Semaphore(ABIS_PARAMS.prepareConcurrency);
  readonly #inFlight = new Map<string, Promise<AbisResponse>>();
  #commitChain: Promise<unknown> = Promise.resolve();
  #queued = 0;
  #closing = false;

  readonly #intake: (cbeff: Uint8Array) => Promise<Biometrics>;

  /** `intake` turns a fetched record into templates (default: readBiometrics in this thread). */
  constructor(options: { backend: AbisBackend; log: JobLogStore; datashare: DatashareClient; metrics: AbisMetrics; intake?: (cbeff: Uint8Array) => Promise<Biometrics> }) {
    this.#intake = options.intake ?? ((cbeff) => readBiometrics(cbeff, this.#maker));
    this.#backend = options.backend;
    this.#log = options.log;
    this.#datashare = options.datashare;
    this.#metrics = options.metrics;
    this.#metrics.watchQueue(() => this.#queued);
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
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight.values()]);
  }

  /** The MOSIP answer to one request body. Throws only AbisBusyError (queue full). */
  submit(body: unknown): Promise<AbisResponse> {
    if (this.#closing) throw new AbisBusyError('ERR_ABIS_CLOSING', 'the ABIS service is shutting down');
    const requestId = requestIdOf(body);
    if (requestId !== null) {
      const logged = this.#log.get(requestId);
      if (logged?.state === 'done') {
        this.#metrics.replays++;
        return Promise.resolve(logged.response);
      }
      const running = this.#inFlight.get(requestId);
      if (running !== undefined) return running;
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
    const job = this.#run(request, logged(this.#log.get(request.requestId)));
    this.#inFlight.set(request.requestId, job);
    return job;
  }

  async #run(request: AbisRequest, resumed: boolean): Promise<AbisResponse> {
    const started = performance.now();
    this.#queued++;
    try {
      const prepared = this.#prepare.run(() => this.#prepareJob(request));
      prepared.catch(() => undefined); // awaited in the commit stage; not "unhandled" meanwhile
      // Commits run one after another, in arrival order; a failed one never blocks the next.
      const committed = this.#commitChain.then(async () => this.#commit(request, await prepared, resumed));
      this.#commitChain = committed.catch(() => undefined);
      let response: AbisResponse;
      try {
        response = await committed;
      } catch (error) {
        response = failureResponse(request.id, request.requestId, failureOf(error));
      }
      // Internal errors are not final: they are answered but not logged, so a retry runs again.
      const final = response.failureReason !== String(FAILURE.internal) && response.failureReason !== String(FAILURE.unexpected);
      if (final) await this.#log.done(request.requestId, response);
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
      return { biometrics: await this.#intake(record) };
    } catch (error) {
      if (error instanceof DatashareError || error instanceof IntakeError) return { failure: failureOf(error) };
      throw error;
    }
  }

  async #commit(request: AbisRequest, prepared: Prepared, resumed: boolean): Promise<AbisResponse> {
    const { id, requestId } = request;
    const fail = (reason: FailureReason): AbisResponse => failureResponse(id, requestId, reason);
    const engine = this.#backend.engine;
    switch (request.id) {
      case 'mosip.abis.insert': {
        const present = (await this.#backend.subject(request.referenceId)) !== undefined;
        // A retry of an insert cut short by a crash after the engine's write: it did happen.
        if (resumed && present) return successResponse(id, requestId);
        if (present) return fail(FAILURE.referenceExists);
        if ('failure' in prepared) return fail(prepared.failure);
        const subject = toSubject(request.referenceId, prepared.biometrics!);
        await this.#log.started(requestId, 'insert', request.referenceId);
        const r = await engine.insert(subject, { requestId });
        return r.status === 'inserted' ? successResponse(id, requestId) : fail(FAILURE.referenceExists);
      }
      case 'mosip.abis.delete': {
        const present = (await this.#backend.subject(request.referenceId)) !== undefined;
        if (resumed && !present) return successResponse(id, requestId);
        if (!present) return fail(FAILURE.referenceNotFound);
        await this.#log.started(requestId, 'delete', request.referenceId);
        await engine.delete(request.referenceId, { requestId });
        return successResponse(id, requestId);
      }
      case 'mosip.abis.referenceCount':
        return successResponse(id, requestId, { count: String(await engine.count()) });
      case 'mosip.abis.identify': {
        let probe: Probe;
        if (request.referenceId !== undefined) {
          const stored = await this.#backend.subject(request.referenceId);
          if (stored === undefined) return fail(FAILURE.referenceNotFound);
          probe = probeOfSubject(stored);
          if ((probe.fingers?.length ?? 0) + (probe.irises?.length ?? 0) === 0) return fail(FAILURE.cbeffNoData);
        } else {
          if ('failure' in prepared) return fail(prepared.failure);
          probe = toProbe(prepared.biometrics!);
        }
        if (request.galleryIds !== undefined && request.galleryIds.length === 0) {
          return successResponse(id, requestId, { candidateList: { count: '0', candidates: [] } });
        }
        const result = await engine.identify(probe, {
          targetFPIR: request.targetFPIR, maxResults: request.maxResults, referenceIds: request.galleryIds, excludeReferenceId: request.referenceId,
        });
        const candidates = candidateJson(result);
        return successResponse(id, requestId, { candidateList: { count: String(candidates.length), candidates } });
      }
      default:
        return fail(FAILURE.invalidId);
    }
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
  };
}
