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
import { EngineError, type DedupService } from '../../engine/index.ts';
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

export interface VerifyOutcome {
  readonly match: boolean;
  readonly score: number;
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
  readonly #uinBuckets: TokenBuckets;
  readonly #onDecision: (decision: Decision) => void;

  constructor(options: ServiceOptions) {
    this.#engine = options.engine;
    this.#store = options.store;
    this.#capturer = options.capturer;
    this.#uinBuckets = new TokenBuckets({ burst: options.limits.uinBurst, perSecond: options.limits.uinPerSecond }, options.limits.maxBuckets);
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

  async enrol(who: string, body: unknown): Promise<EnrolOutcome> {
    const request = fields(body, ['demographicsRef', 'biometrics']);
    const demographicsRef = request.demographicsRef;
    if (typeof demographicsRef !== 'string' || demographicsRef.length === 0 || demographicsRef.length > MAX_DEMOGRAPHICS_REF || !DEMOGRAPHICS_REF.test(demographicsRef)) {
      throw bad(`demographicsRef must be 1–${MAX_DEMOGRAPHICS_REF} printable ASCII characters without spaces`);
    }
    const captured = await this.#capturer.capture(request.biometrics, 'enrol');
    const probe = toProbe(captured);
    return this.#enrolQueue.run(async () => {
      const found = await engineCall(() => this.#engine.identify(probe, { targetFPIR: ENROL_TARGET_FPIR, maxResults: ENROL_MAX_CANDIDATES }));
      const enrolmentId = newEnrolmentId();
      await this.#store.markTentative(enrolmentId);
      try {
        await engineCall(() => this.#engine.insert(toSubject(enrolmentId, captured)));
        if (found.candidates.length === 0) {
          const uin = await this.#store.issueUin(enrolmentId, demographicsRef, who);
          this.#onDecision('uin-issued');
          return { status: 'uin-issued', uin };
        }
        const candidates = found.candidates.map((c) => ({ enrolmentId: c.referenceId, score: roundScore(c.score) }));
        const caseId = await this.#store.openCase(enrolmentId, demographicsRef, who, candidates);
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
   * 1:1 against the UIN's enrolment. An unknown UIN is answered like a non-match, after the same
   * work: the probe is verified against a randomly chosen enrolled subject and the result forced
   * to no-match, so neither the response shape nor its timing says whether the UIN exists.
   */
  async verify(who: string, body: unknown): Promise<VerifyOutcome> {
    const request = fields(body, ['uin', 'biometrics']);
    const uin = request.uin;
    if (!isWellFormedUin(uin)) throw new HttpError(400, 'ERR_UIN_FORMAT', 'uin must be a 10–12 digit UIN with a valid check digit');
    const captured = await this.#capturer.capture(request.biometrics, 'verify');
    const probe = toProbe(captured);
    // Spent only by requests that reach a comparison: a malformed one teaches nothing about the
    // UIN's templates (and is already counted by the per-client limit).
    const allowed = this.#uinBuckets.take(uin);
    if (!allowed.ok) {
      throw new HttpError(429, 'ERR_RATE_LIMITED', 'too many verifications of this UIN; retry later', { headers: { 'retry-after': String(allowed.retryAfterSeconds) } });
    }
    const enrolmentId = this.#store.enrolmentOfUin(uin);
    const target = enrolmentId ?? this.#store.randomIssuedEnrolment();
    let match = false;
    let score = 0;
    let known = enrolmentId !== undefined;
    if (target !== undefined) {
      try {
        const r = await this.#engine.verify(target, probe, VERIFY_THRESHOLD);
        match = known && r.match;
        score = r.score;
      } catch (error) {
        if (!(error instanceof EngineError && error.code === 'ERR_UNKNOWN_REFERENCE')) throw mapEngineError(error);
        known = false; // the subject was deleted under the UIN (e.g. by the ABIS door): answer as unknown
      }
    }
    const shown = shownScore(score, match);
    const decision = match ? 'match' : 'no-match';
    await this.#store.audit({ who, action: 'verify', decision: known ? decision : 'unknown-uin', uin, score: shown });
    this.#onDecision(decision);
    return { match, score: shown };
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

/** The score a client sees: rounded, and for a non-match always below the threshold (match ⇔ score ≥ threshold). */
function shownScore(score: number, match: boolean): number {
  const r = roundScore(score);
  if (match) return Math.max(r, VERIFY_THRESHOLD);
  return Math.min(r, VERIFY_THRESHOLD - 10 ** -SCORE_DECIMALS);
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
