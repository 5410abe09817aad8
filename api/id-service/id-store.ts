/**
 * The ID service's own durable state, in one LMDB environment (`<dataDir>/id-service`, beside
 * the engine's subject store), with the engine's durability settings (see
 * engine/store/subject-store.ts: every write promise resolves only after fdatasync):
 *
 *   enrolments  enrolmentId → { state, uin?, caseId?, demographicsRef, client, createdAt }
 *   uins        uin → enrolmentId          (never removed: a UIN is never reused)
 *   cases       caseId → adjudication case (candidates, state, decision)
 *   pending     caseId → createdAt         (the open adjudication list)
 *   rollback    enrolmentId → reason       (engine subjects to delete at start unless a decision claims them)
 *   audit       sequence → audit entry     (append-only; never biometric data)
 *   idempotency client \n Idempotency-Key → { requestHash, outcome } (written with the decision it answers)
 *
 * A decision and its audit entry are written in one transaction: one cannot exist without the other.
 * No biometric data is ever stored here: templates live (encrypted) in the engine's store.
 */
import { open, type Database, type RootDatabase } from 'lmdb';
import { randomBytes } from 'node:crypto';
import { randomUinCandidate, uinPatternAllowed } from './uin.ts';
import { UIN_ATTEMPTS } from './params.ts';
import { DURABLE_LMDB_OPTIONS } from '../../engine/index.ts';

export const ID_STORE_FORMAT = 1;


export type EnrolmentState = 'issued' | 'pending' | 'duplicate';

export interface EnrolmentRecord {
  readonly state: EnrolmentState;
  readonly uin?: string;
  readonly caseId?: string;
  readonly demographicsRef: string;
  readonly client: string;
  readonly createdAt: string;
}

export type CaseState = 'pending' | 'duplicate' | 'unique';

export interface CaseCandidate {
  /** The UIN of the matching enrolment, or the id of its own open case when it has none yet. */
  readonly uin?: string;
  readonly caseId?: string;
  readonly score: number;
}

export interface AdjudicationCase {
  readonly caseId: string;
  readonly enrolmentId: string;
  readonly demographicsRef: string;
  readonly client: string;
  readonly createdAt: string;
  readonly state: CaseState;
  readonly candidates: readonly { readonly enrolmentId: string; readonly score: number }[];
  readonly decidedAt?: string;
  readonly decidedBy?: string;
  readonly reason?: string;
  readonly uin?: string;
}

export type AuditAction = 'enrol' | 'verify' | 'adjudicate';

export interface AuditEntry {
  readonly sequence: number;
  /** ISO 8601 UTC. */
  readonly at: string;
  /** `client:<name>`, `address:<ip>` or `operator[:<name>]`. */
  readonly who: string;
  readonly action: AuditAction;
  /** uin-issued | pending-adjudication | match | no-match | unknown-uin | duplicate | unique */
  readonly decision: string;
  readonly uin?: string;
  readonly caseId?: string;
  readonly demographicsRef?: string;
  /** The fused score of a verification (a number, not biometric data). */
  readonly score?: number;
  readonly reason?: string;
}

export type AuditInput = Omit<AuditEntry, 'sequence' | 'at'>;

/** What an Idempotency-Key replays: the request it came with (hash) and the first answer. */
export interface IdempotentRecord {
  readonly requestHash: string;
  readonly outcome: { readonly status: 'uin-issued'; readonly uin: string } | { readonly status: 'pending-adjudication'; readonly caseId: string };
  readonly at: string;
}

export interface Remember {
  readonly client: string;
  readonly key: string;
  readonly requestHash: string;
}

export class CaseError extends Error {
  readonly code: 'ERR_CASE_UNKNOWN' | 'ERR_CASE_DECIDED';
  constructor(code: CaseError['code'], message: string) {
    super(message);
    this.name = 'CaseError';
    this.code = code;
  }
}

export class IdStore {
  readonly #root: RootDatabase;
  readonly #enrolments: Database<EnrolmentRecord, string>;
  readonly #uins: Database<string, string>;
  readonly #cases: Database<AdjudicationCase, string>;
  readonly #pending: Database<string, string>;
  readonly #rollback: Database<string, string>;
  readonly #audit: Database<AuditEntry, number>;
  readonly #meta: Database<number, string>;
  readonly #idempotency: Database<IdempotentRecord, string>;
  readonly #uinLength: number;
  #auditSequence: number;
  #closed = false;

  constructor(path: string, uinLength: number) {
    this.#uinLength = uinLength;
    this.#root = open({ path, ...DURABLE_LMDB_OPTIONS });
    try {
      this.#enrolments = this.#root.openDB<EnrolmentRecord, string>('enrolments', {});
      this.#uins = this.#root.openDB<string, string>('uins', { encoding: 'string' });
      this.#cases = this.#root.openDB<AdjudicationCase, string>('cases', {});
      this.#pending = this.#root.openDB<string, string>('pending', { encoding: 'string' });
      this.#rollback = this.#root.openDB<string, string>('rollback', { encoding: 'string' });
      this.#audit = this.#root.openDB<AuditEntry, number>('audit', {});
      this.#meta = this.#root.openDB<number, string>('meta', {});
      this.#idempotency = this.#root.openDB<IdempotentRecord, string>('idempotency', {});
      const format = this.#meta.get('format');
      if (format === undefined) this.#meta.putSync('format', ID_STORE_FORMAT);
      else if (format !== ID_STORE_FORMAT) throw new Error(`ID service store layout ${String(format)} is not the one this build reads (${ID_STORE_FORMAT})`);
      let last = 0;
      for (const key of this.#audit.getKeys({ reverse: true, limit: 1 })) last = key;
      this.#auditSequence = last;
    } catch (error) {
      void this.#root.close();
      throw error;
    }
  }

  /** The first answer given to (client, Idempotency-Key), if any. */
  idempotentOutcome(client: string, key: string): IdempotentRecord | undefined {
    return this.#idempotency.get(`${client}\n${key}`);
  }

  /** The enrolment holding `uin`, when the UIN was issued. */
  enrolmentOfUin(uin: string): string | undefined {
    return this.#uins.get(uin);
  }

  enrolment(enrolmentId: string): EnrolmentRecord | undefined {
    return this.#enrolments.get(enrolmentId);
  }

  /** Engine subjects inserted but not yet claimed by a decision (to delete after a crash). */
  rollbackEntries(): string[] {
    return [...this.#rollback.getKeys()];
  }

  /** Durable before the engine insert: if the process dies before the decision, start-up removes the subject. */
  async markTentative(enrolmentId: string): Promise<void> {
    await this.#rollback.put(enrolmentId, 'tentative');
  }

  async clearRollback(enrolmentId: string): Promise<void> {
    await this.#rollback.remove(enrolmentId);
  }

  /** Unique: a fresh UIN for the enrolment, its record and the audit entry, in one transaction. */
  async issueUin(enrolmentId: string, demographicsRef: string, client: string, remember?: Remember): Promise<string> {
    return this.#root.transaction(() => {
      const uin = this.#freshUin();
      const createdAt = new Date().toISOString();
      void this.#enrolments.put(enrolmentId, { state: 'issued', uin, demographicsRef, client, createdAt });
      void this.#uins.put(uin, enrolmentId);
      void this.#rollback.remove(enrolmentId);
      this.#auditInTxn({ who: client, action: 'enrol', decision: 'uin-issued', uin, demographicsRef });
      this.#rememberInTxn(remember, { status: 'uin-issued', uin });
      return uin;
    });
  }

  /** Possible duplicate: an open case, the enrolment marked pending, the audit entry. */
  async openCase(enrolmentId: string, demographicsRef: string, client: string, candidates: AdjudicationCase['candidates'], remember?: Remember): Promise<string> {
    return this.#root.transaction(() => {
      let caseId = newCaseId();
      while (this.#cases.doesExist(caseId)) caseId = newCaseId();
      const createdAt = new Date().toISOString();
      void this.#cases.put(caseId, { caseId, enrolmentId, demographicsRef, client, createdAt, state: 'pending', candidates });
      void this.#pending.put(caseId, createdAt);
      void this.#enrolments.put(enrolmentId, { state: 'pending', caseId, demographicsRef, client, createdAt });
      void this.#rollback.remove(enrolmentId);
      this.#auditInTxn({ who: client, action: 'enrol', decision: 'pending-adjudication', caseId, demographicsRef });
      this.#rememberInTxn(remember, { status: 'pending-adjudication', caseId });
      return caseId;
    });
  }

  /**
   * An operator's decision on an open case. 'unique' issues the UIN; 'duplicate' closes the case
   * and schedules the enrolment's engine subject for deletion (rollback), which the caller then
   * performs. Throws CaseError for an unknown or already decided case, writing nothing.
   */
  async decideCase(caseId: string, decision: 'duplicate' | 'unique', who: string, reason: string | undefined): Promise<AdjudicationCase> {
    return this.#root.transaction(() => {
      const c = this.#cases.get(caseId);
      if (c === undefined) throw new CaseError('ERR_CASE_UNKNOWN', 'no such adjudication case');
      if (c.state !== 'pending') throw new CaseError('ERR_CASE_DECIDED', `the case was already decided (${c.state})`);
      const decidedAt = new Date().toISOString();
      // everything that can throw is above this line: lmdb-js commits writes made before a throw
      const uin = decision === 'unique' ? this.#freshUin() : undefined;
      const decided: AdjudicationCase = { ...c, state: decision, decidedAt, decidedBy: who, ...(reason === undefined ? {} : { reason }), ...(uin === undefined ? {} : { uin }) };
      void this.#cases.put(caseId, decided);
      void this.#pending.remove(caseId);
      if (uin !== undefined) {
        void this.#enrolments.put(c.enrolmentId, { state: 'issued', uin, caseId, demographicsRef: c.demographicsRef, client: c.client, createdAt: c.createdAt });
        void this.#uins.put(uin, c.enrolmentId);
      } else {
        void this.#enrolments.put(c.enrolmentId, { state: 'duplicate', caseId, demographicsRef: c.demographicsRef, client: c.client, createdAt: c.createdAt });
        void this.#rollback.put(c.enrolmentId, 'duplicate');
      }
      this.#auditInTxn({ who, action: 'adjudicate', decision, caseId, ...(uin === undefined ? {} : { uin }), ...(reason === undefined ? {} : { reason }) });
      return decided;
    });
  }

  case(caseId: string): AdjudicationCase | undefined {
    return this.#cases.get(caseId);
  }

  /** Open cases, oldest first, at most `limit`. */
  pendingCases(limit: number): AdjudicationCase[] {
    const out: AdjudicationCase[] = [];
    for (const caseId of this.#pending.getKeys()) {
      const c = this.#cases.get(caseId);
      if (c !== undefined) out.push(c);
    }
    out.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
    return out.slice(0, limit);
  }

  pendingCount(): number {
    return (this.#pending.getStats() as { entryCount: number }).entryCount;
  }

  /** Appends an audit entry on its own; resolves once durable. */
  async audit(entry: AuditInput): Promise<void> {
    const sequence = ++this.#auditSequence;
    await this.#audit.put(sequence, { sequence, at: new Date().toISOString(), ...entry });
  }

  /** The audit log from `afterSequence`, in order. */
  *auditEntries(afterSequence = 0): Generator<AuditEntry> {
    for (const { value } of this.#audit.getRange({ start: afterSequence + 1 })) yield value;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#root.close();
  }

  #auditInTxn(entry: AuditInput): void {
    const sequence = ++this.#auditSequence;
    void this.#audit.put(sequence, { sequence, at: new Date().toISOString(), ...entry });
  }

  #rememberInTxn(remember: Remember | undefined, outcome: IdempotentRecord['outcome']): void {
    if (remember === undefined) return;
    void this.#idempotency.put(`${remember.client}\n${remember.key}`, { requestHash: remember.requestHash, outcome, at: new Date().toISOString() });
  }

  /** Inside a write transaction: a random UIN that passes the filters and was never issued. */
  #freshUin(): string {
    for (let i = 0; i < UIN_ATTEMPTS; i++) {
      const uin = randomUinCandidate(this.#uinLength);
      if (uinPatternAllowed(uin) && !this.#uins.doesExist(uin)) return uin;
    }
    throw new Error(`no free UIN found in ${UIN_ATTEMPTS} random draws: raise the UIN length`);
  }
}

/** Case ids: 96 random bits, unguessable (a case id is a receipt, not a counter). */
function newCaseId(): string {
  return `case-${randomBytes(12).toString('hex')}`;
}

/** Engine referenceIds of enrolments: random, unrelated to the UIN (see api/README.md). */
export function newEnrolmentId(): string {
  return `enr-${randomBytes(12).toString('hex')}`;
}
