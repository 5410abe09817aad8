/**
 * The ID service's decisions, free of HTTP: enrol (internal 1:N dedup → UIN or adjudication
 * case), verify (1:1 against one UIN), and the operators' adjudication. The HTTP layer
 * (server.ts) authenticates, limits and calls these; they throw HttpError for refusals.
 *
 * Enrolment pipeline (inside one serial queue, so concurrent enrolments of one person cannot
 * both look unique): identify → mark tentative (rollback entry) → insert the subject under a
 * fresh enrolment id → one transaction: UIN + audit, or case + audit. Every enrolment inserts
 * its subject, even a suspected duplicate: the templates then stay encrypted in the engine
 * store while the case waits, and later enrolments of the same person are compared with it.
 */
import { createHash, randomInt } from 'node:crypto';
import { EngineError, FingerMatcher, type DedupService, type FingerTemplate, type Minutia } from '../../engine/index.ts';
import { HttpError } from '../http/index.ts';
import { toProbe, toSubject } from './biometrics.ts';
import type { Capturer } from './capture-pool.ts';
import { CaseError, IdStore, newEnrolmentId, type AdjudicationCase } from './id-store.ts';
import { SerialQueue } from './serial-queue.ts';
import { TokenBuckets } from './rate-limit.ts';
import { isWellFormedUin } from './uin.ts';
import {
  ENROL_MAX_CANDIDATES, ENROL_TARGET_FPIR, MAX_DECISION_REASON, MAX_DEMOGRAPHICS_REF, SCORE_DECIMALS, VERIFY_THRESHOLD,
  type IdServiceLimits,
} from './params.ts';

export type EnrolOutcome =
  | { readonly status: 'uin-issued'; readonly uin: string }
  | { readonly status: 'pending-adjudication'; readonly caseId: string };

/**
 * A verification's answer: the decision and a reason code, never the score (a score, even
 * rounded, lets a client hill-climb a forged probe towards the threshold; it goes to the audit).
 * An unknown UIN answers NOT_MATCHED like any non-match.
 */
export interface VerifyOutcome {
  readonly match: boolean;
  readonly reason: 'MATCHED' | 'NOT_MATCHED';
}

/** An Idempotency-Key presented with an enrolment (scoped to the client that presented it). */
export interface IdempotencyKey {
  readonly key: string;
}

export type Decision = 'uin-issued' | 'pending-adjudication' | 'match' | 'no-match' | 'duplicate' | 'unique';

/** What an operator sees of a case: candidates by UIN (or their own open case), never templates. */
export interface CaseView {
  readonly caseId: string;
  readonly state: AdjudicationCase['state'];
  readonly demographicsRef: string;
  readonly createdAt: string;
  readonly candidates: readonly { readonly uin?: string; readonly caseId?: string; readonly state: string; readonly score: number }[];
  readonly decidedAt?: string;
  readonly decidedBy?: string;
  readonly uin?: string;
}

export interface ServiceOptions {
  readonly engine: DedupService;
  readonly store: IdStore;
  readonly limits: IdServiceLimits;
  /** Turns request biometrics into templates (a worker pool, or inline). */
  readonly capturer: Capturer;
  /** Called once per decision (metrics). */
  readonly onDecision?: (decision: Decision) => void;
}

const DEMOGRAPHICS_REF = /^[\x21-\x7e]+$/;
const OPERATOR_NAME = /^[A-Za-z0-9._@-]{1,64}$/;

export class IdService {
  readonly #engine: DedupService;
  readonly #store: IdStore;
  readonly #capturer: Capturer;
  readonly #enrolQueue = new SerialQueue();
  /** Non-matching verifications per (client, address, UIN): see verify(). */
  readonly #sourceUinBuckets: TokenBuckets;
  readonly #onDecision: (decision: Decision) => void;
  /** Compared with the probe when the UIN is unknown, for the same work as a real verification (see verify()). */
  readonly #decoy = new DecoyComparator();

  constructor(options: ServiceOptions) {
    this.#engine = options.engine;
    this.#store = options.store;
    this.#capturer = options.capturer;
    this.#sourceUinBuckets = new TokenBuckets({ burst: options.limits.uinBurst, perSecond: options.limits.uinPerSecond }, options.limits.maxBuckets);
    this.#onDecision = options.onDecision ?? (() => undefined);
  }

  /** Enrolments waiting for or holding the dedup lock. */
  get enrolQueueDepth(): number {
    return this.#enrolQueue.depth;
  }

  /** Resolves when every queued enrolment has finished. */
  async drain(): Promise<void> {
    await this.#enrolQueue.drain();
  }

  pendingCaseCount(): number {
    return this.#store.pendingCount();
  }

  /**
   * After a crash: engine subjects inserted without a decision (or rejected as duplicates but not
   * yet deleted) are removed. Runs before the server listens.
   */
  async recover(): Promise<number> {
    let removed = 0;
    for (const enrolmentId of this.#store.rollbackEntries()) {
      const state = this.#store.enrolment(enrolmentId)?.state;
      if (state !== 'issued' && state !== 'pending') {
        if ((await this.#engine.delete(enrolmentId)).deleted) removed++;
      }
      await this.#store.clearRollback(enrolmentId);
    }
    return removed;
  }

  /**
   * With an Idempotency-Key, the first answer is stored with the decision (same transaction) and
   * a retry with the same key and body gets it back without a second enrolment; the same key
   * with another body is refused (409). Keys are scoped to the client (`who`).
   */
  async enrol(who: string, body: unknown, idempotency?: IdempotencyKey): Promise<EnrolOutcome> {
    const request = fields(body, ['demographicsRef', 'biometrics']);
    const requestHash = idempotency === undefined ? '' : createHash('sha256').update(JSON.stringify(body)).digest('base64url');
    const replay = (): EnrolOutcome | undefined => {
      if (idempotency === undefined) return undefined;
      const prior = this.#store.idempotentOutcome(who, idempotency.key);
      if (prior === undefined) return undefined;
      if (prior.requestHash !== requestHash) throw new HttpError(409, 'ERR_IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with another request body');
      return prior.outcome;
    };
    const early = replay();
    if (early !== undefined) return early;
    const demographicsRef = request.demographicsRef;
    if (typeof demographicsRef !== 'string' || demographicsRef.length === 0 || demographicsRef.length > MAX_DEMOGRAPHICS_REF || !DEMOGRAPHICS_REF.test(demographicsRef)) {
      throw bad(`demographicsRef must be 1–${MAX_DEMOGRAPHICS_REF} printable ASCII characters without spaces`);
    }
    const captured = await this.#capturer.capture(request.biometrics, 'enrol');
    const probe = toProbe(captured);
    return this.#enrolQueue.run(async () => {
      const concurrent = replay(); // a retry that overtook the first attempt waits here for it
      if (concurrent !== undefined) return concurrent;
      const remember = idempotency === undefined ? undefined : { client: who, key: idempotency.key, requestHash };
      const found = await engineCall(() => this.#engine.identify(probe, { targetFPIR: ENROL_TARGET_FPIR, maxResults: ENROL_MAX_CANDIDATES }));
      const enrolmentId = newEnrolmentId();
      await this.#store.markTentative(enrolmentId);
      try {
        await engineCall(() => this.#engine.insert(toSubject(enrolmentId, captured)));
        if (found.candidates.length === 0) {
          const uin = await this.#store.issueUin(enrolmentId, demographicsRef, who, remember);
          this.#onDecision('uin-issued');
          return { status: 'uin-issued', uin };
        }
        const candidates = found.candidates.map((c) => ({ enrolmentId: c.referenceId, score: roundScore(c.score) }));
        const caseId = await this.#store.openCase(enrolmentId, demographicsRef, who, candidates, remember);
        this.#onDecision('pending-adjudication');
        return { status: 'pending-adjudication', caseId };
      } catch (error) {
        await this.#undo(enrolmentId);
        throw error;
      }
    });
  }

  /** No decision was recorded: the subject must not stay in the gallery (else recover() removes it at the next start). */
  async #undo(enrolmentId: string): Promise<void> {
    try {
      await this.#engine.delete(enrolmentId);
      await this.#store.clearRollback(enrolmentId);
    } catch {
      // left for recover(): the rollback entry is still there
    }
  }

  /**
   * 1:1 against the UIN's enrolment; the answer is the decision only (the score goes to the audit).
   *
   * An unknown UIN is answered exactly like a non-match, and costs the same kind of work: the
   * probe's fingers are compared with a decoy template of random minutiae made at start (never an
   * enrolled person, so it can never be the probe's owner), and the audit entry is written as for
   * any verification. Nothing in the answer, its headers or the rate limits depends on whether
   * the UIN exists.
   *
   * Rate limit: non-matching attempts are counted per (client, address, UIN) — a source can
   * hill-climb one UIN only `uinBurst` times before it is slowed — and a match spends nothing.
   * There is no per-UIN budget shared by everyone: a stranger who knows a UIN cannot lock its
   * holder out (they only exhaust their own budget); the per-client limit bounds every source.
   */
  async verify(who: string, address: string, body: unknown): Promise<VerifyOutcome> {
    const request = fields(body, ['uin', 'biometrics']);
    const uin = request.uin;
    if (!isWellFormedUin(uin)) throw new HttpError(400, 'ERR_UIN_FORMAT', 'uin must be a 10–12 digit UIN with a valid check digit');
    const captured = await this.#capturer.capture(request.biometrics, 'verify');
    const probe = toProbe(captured);
    const bucket = `${who}|${address}|${uin}`;
    const allowed = this.#sourceUinBuckets.take(bucket);
    if (!allowed.ok) {
      throw new HttpError(429, 'ERR_RATE_LIMITED', 'too many failed verifications of this UIN from this client; retry later', { headers: { 'retry-after': String(allowed.retryAfterSeconds) } });
    }
    const enrolmentId = this.#store.enrolmentOfUin(uin);
    let match = false;
    let score = 0;
    let known = enrolmentId !== undefined;
    if (enrolmentId !== undefined) {
      try {
        const r = await this.#engine.verify(enrolmentId, probe, VERIFY_THRESHOLD);
        match = r.match;
        score = r.score;
      } catch (error) {
        if (!(error instanceof EngineError && error.code === 'ERR_UNKNOWN_REFERENCE')) throw mapEngineError(error);
        known = false; // the subject was deleted under the UIN (e.g. by the ABIS door): answer as unknown
      }
    }
    if (!known) this.#decoy.compare(captured.fingers.map((f) => f.template));
    if (match) this.#sourceUinBuckets.refund(bucket);
    const decision = match ? 'match' : 'no-match';
    await this.#store.audit({ who, action: 'verify', decision: known ? decision : 'unknown-uin', uin, score: roundScore(score) });
    this.#onDecision(decision);
    return { match, reason: match ? 'MATCHED' : 'NOT_MATCHED' };
  }

  listCases(limit: number): CaseView[] {
    return this.#store.pendingCases(limit).map((c) => this.#view(c));
  }

  async decide(operator: string, caseId: string, body: unknown): Promise<CaseView> {
    const request = fields(body, ['decision', 'operator', 'reason']);
    const decision = request.decision;
    if (decision !== 'duplicate' && decision !== 'unique') throw bad('decision must be "duplicate" or "unique"');
    if (request.operator !== undefined && (typeof request.operator !== 'string' || !OPERATOR_NAME.test(request.operator))) {
      throw bad('operator must be 1–64 characters of [A-Za-z0-9._@-]');
    }
    const reason = request.reason;
    if (reason !== undefined && (typeof reason !== 'string' || reason.length > MAX_DECISION_REASON)) throw bad(`reason must be a string of at most ${MAX_DECISION_REASON} characters`);
    if (!/^case-[0-9a-f]{24}$/.test(caseId)) throw new HttpError(404, 'ERR_CASE_UNKNOWN', 'no such adjudication case');
    const who = request.operator === undefined ? operator : `${operator}:${request.operator}`;
    let decided: AdjudicationCase;
    try {
      decided = await this.#store.decideCase(caseId, decision, who, reason);
    } catch (error) {
      if (error instanceof CaseError) throw new HttpError(error.code === 'ERR_CASE_UNKNOWN' ? 404 : 409, error.code, error.message);
      throw error;
    }
    if (decision === 'duplicate') {
      // the rollback entry written with the decision makes this delete survive a crash
      await engineCall(() => this.#engine.delete(decided.enrolmentId));
      await this.#store.clearRollback(decided.enrolmentId);
    }
    this.#onDecision(decision);
    return this.#view(decided);
  }

  #view(c: AdjudicationCase): CaseView {
    return {
      caseId: c.caseId,
      state: c.state,
      demographicsRef: c.demographicsRef,
      createdAt: c.createdAt,
      candidates: c.candidates.map((k) => {
        const e = this.#store.enrolment(k.enrolmentId);
        return {
          ...(e?.uin === undefined ? {} : { uin: e.uin }),
          ...(e?.uin === undefined && e?.caseId !== undefined ? { caseId: e.caseId } : {}),
          state: e?.state ?? 'unknown',
          score: k.score,
        };
      }),
      ...(c.decidedAt === undefined ? {} : { decidedAt: c.decidedAt, decidedBy: c.decidedBy }),
      ...(c.uin === undefined ? {} : { uin: c.uin }),
    };
  }
}

/** The body as an object with only the listed fields (400 otherwise). */
function fields(body: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('the request body must be a JSON object');
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw bad(`unknown field "${key.length > 40 ? `${key.slice(0, 40)}…` : key}" (allowed: ${allowed.join(', ')})`);
  }
  return body as Record<string, unknown>;
}

function bad(message: string): HttpError {
  return new HttpError(400, 'ERR_BAD_REQUEST', message);
}

function roundScore(score: number): number {
  if (!Number.isFinite(score) || score < 0) return 0;
  const f = 10 ** SCORE_DECIMALS;
  return Math.round(score * f) / f;
}

/**
 * The work of an unknown UIN's verification: each probe finger compared with a template of
 * random minutiae (40, a typical finger's count, drawn once per service). Random minutiae are
 * nobody's finger: unlike a randomly chosen enrolled subject, the decoy can never be the
 * probe's owner. The result is discarded.
 */
class DecoyComparator {
  readonly #matcher = new FingerMatcher();
  readonly #decoy: FingerTemplate;
  constructor() {
    const minutiae: Minutia[] = Array.from({ length: 40 }, () => ({
      x: randomInt(20, 380), y: randomInt(20, 460), angle: (randomInt(0, 3600) / 3600) * 2 * Math.PI, type: randomInt(0, 2) === 0 ? 'ending' : 'bifurcation', quality: 60,
    }));
    this.#decoy = this.#matcher.createTemplate(minutiae, { resolutionPxPerCm: 197 });
  }
  compare(probeFingers: readonly Uint8Array[]): void {
    for (const bytes of probeFingers) {
      try {
        this.#matcher.compare(this.#matcher.templateFromBytes(bytes), this.#decoy);
      } catch {
        // a template the matcher refuses is refused the same way for a known UIN by the engine; nothing to do
      }
    }
  }
}

async function engineCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw mapEngineError(error);
  }
}

/** Engine refusals of the request's content → 422 with the engine's code; anything else stays a 500. */
function mapEngineError(error: unknown): unknown {
  if (error instanceof EngineError && error.code !== 'ERR_ENGINE_CLOSED') return new HttpError(422, error.code, error.message);
  return error;
}
