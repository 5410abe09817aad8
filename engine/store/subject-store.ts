/**
 * SubjectStore: the durable source of truth for enrolled subjects (ARCHITECTURE.md, "The data
 * path"). One LMDB environment (a directory) with four named databases:
 *
 *   subjects  referenceId → record (record-codec.ts: clear envelope, sealed templates)
 *   order     sequence → referenceId, live subjects only: the shard-rebuild order
 *   changes   sequence → { op: 'insert' | 'delete', referenceId }: the log replication will ship
 *   meta      'format' → store layout version, 'lastSequence' → last sequence handed out
 *
 * Every insert and delete takes the next sequence number in the same transaction as its data,
 * so the log, the order and the subjects can never disagree after a crash.
 */
import { open, type Database, type RootDatabase } from 'lmdb';
import { decodeRecord, decodeRecordHeader, encodeRecord, packPlain, sealTemplates, unpackPlain } from './record-codec.ts';
import { StoreError } from './store-error.ts';
import {
  DEFAULT_STORE_LIMITS, subjectFromSlots, validateReferenceId, validateSubject,
  type StoreLimits, type StoredSubject, type Subject,
} from './subject.ts';
import { loadTemplateKey, type TemplateKey } from './template-key.ts';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataDirLock } from './data-dir-lock.ts';

/** Layout version of the LMDB environment (database names and their roles). */
export const STORE_FORMAT_VERSION = 1;
/** @internal database names, exported for tests that tamper with raw records. */
export const STORE_DATABASES = { subjects: 'subjects', order: 'order', changes: 'changes', meta: 'meta' } as const;

export interface SubjectStoreOptions {
  /** Directory of the LMDB environment; created if missing. */
  readonly path: string;
  /** The template key; default: loadTemplateKey(process.env) (ERR_STORE_NO_KEY when unset). */
  readonly key?: TemplateKey;
  readonly limits?: Partial<StoreLimits>;
}

export interface InsertResult {
  /** 'already-present': the referenceId was enrolled before; nothing was changed (MOSIP: success). */
  readonly status: 'inserted' | 'already-present';
  /** The sequence of the insert that created the subject (this one, or the earlier one). */
  readonly sequence: number;
}

export type DeleteResult = { readonly deleted: true; readonly sequence: number } | { readonly deleted: false };

export interface StoreChange {
  readonly sequence: number;
  readonly op: 'insert' | 'delete';
  readonly referenceId: string;
}

/**
 * Durability: an insert or delete promise resolves only after its transaction is on disk.
 * - overlappingSync: false. lmdb-js turns it on by default on Linux, and then documents the
 *   write promise as resolving when the commit is *visible*, with the flush to disk following
 *   later (only `db.flushed` promises durability). An acknowledged insert could then be lost
 *   to a power cut. Off, LMDB's classic commit path is used: mdb_txn_commit writes the data
 *   pages, fdatasyncs them, then writes the meta page through an O_DSYNC descriptor, and
 *   lmdb-js resolves the promise after the commit returns. strace of the crash-test writer shows
 *   exactly that order for every acknowledgement: pwrite data, fdatasync, pwrite meta, then the ack.
 * - noSync: false, noMetaSync: false, useWritemap: false: the safe defaults, spelled out so nobody
 *   flips one for speed; each lets the OS decide when acknowledged data reaches the disk.
 * - commitDelay: 0 with event-turn batching: all writes queued in one event turn share one
 *   transaction and one fsync, so throughput grows with load without adding latency.
 */
export const DURABLE_LMDB_OPTIONS = {
  overlappingSync: false,
  noSync: false,
  noMetaSync: false,
  useWritemap: false,
  commitDelay: 0,
  eventTurnBatching: true,
} as const;

export function openSubjectStore(options: SubjectStoreOptions): SubjectStore {
  // The key first: a misconfigured server must fail before it creates or touches any file.
  const key = options.key ?? loadTemplateKey();
  const limits: StoreLimits = { ...DEFAULT_STORE_LIMITS, ...options.limits };
  // one engine per store: two processes on one environment would serve two diverging galleries
  mkdirSync(options.path, { recursive: true, mode: 0o700 });
  const lock = DataDirLock.acquire(options.path);
  let root: RootDatabase | undefined;
  try {
    root = open({ path: options.path, ...DURABLE_LMDB_OPTIONS });
    // templates are sealed, referenceIds are not: the files are for the engine's user only
    chmodSync(options.path, 0o700);
    for (const file of ['data.mdb', 'lock.mdb']) if (existsSync(join(options.path, file))) chmodSync(join(options.path, file), 0o600);
    return new SubjectStore(root, key, limits, lock);
  } catch (error) {
    void root?.close();
    lock.release();
    throw error;
  }
}

export class SubjectStore {
  readonly #root: RootDatabase;
  readonly #subjects: Database<Uint8Array, string>;
  readonly #order: Database<string, number>;
  readonly #changes: Database<Uint8Array, number>;
  readonly #meta: Database<Uint8Array, string>;
  readonly #key: TemplateKey;
  readonly #limits: StoreLimits;
  readonly #lock: DataDirLock | undefined;
  #closed = false;

  /** Use openSubjectStore(). */
  constructor(root: RootDatabase, key: TemplateKey, limits: StoreLimits, lock?: DataDirLock) {
    this.#root = root;
    this.#lock = lock;
    this.#key = key;
    this.#limits = limits;
    this.#subjects = root.openDB<Uint8Array, string>(STORE_DATABASES.subjects, { encoding: 'binary' });
    this.#order = root.openDB<string, number>(STORE_DATABASES.order, { encoding: 'string' });
    this.#changes = root.openDB<Uint8Array, number>(STORE_DATABASES.changes, { encoding: 'binary' });
    this.#meta = root.openDB<Uint8Array, string>(STORE_DATABASES.meta, { encoding: 'binary' });
    this.#checkFormat();
  }

  /**
   * Enrols a subject. Resolves after the insert is durable; an existing referenceId resolves
   * 'already-present' and changes nothing. Invalid input rejects with ERR_STORE_INPUT before
   * any transaction starts.
   */
  async insert(subject: Subject): Promise<InsertResult> {
    this.#assertOpen();
    // Validation and encryption run synchronously, before the first await: the caller cannot
    // mutate the subject between the check and the write.
    const { referenceId, templates } = validateSubject(subject, this.#limits);
    const sealed = sealTemplates(this.#key, referenceId, templates);
    return this.#subjects.transaction((): InsertResult => {
      // lmdb-js does not roll back a transaction callback that throws (writes made before the
      // throw would commit), so everything that can fail comes before the first put.
      const existing = this.#subjects.get(referenceId);
      if (existing !== undefined) {
        return { status: 'already-present', sequence: decodeRecordHeader(referenceId, existing).sequence };
      }
      const sequence = this.#readLastSequence() + 1;
      const record = encodeRecord(sealed, sequence);
      const change = packPlain({ op: 'insert', referenceId });
      const last = packPlain(sequence);
      void this.#subjects.put(referenceId, record);
      void this.#order.put(sequence, referenceId);
      void this.#changes.put(sequence, change);
      void this.#meta.put('lastSequence', last);
      return { status: 'inserted', sequence };
    });
  }

  /** Removes a subject; resolves after the delete is durable. Deleting an absent id changes nothing. */
  async delete(referenceId: string): Promise<DeleteResult> {
    this.#assertOpen();
    validateReferenceId(referenceId);
    return this.#subjects.transaction((): DeleteResult => {
      const existing = this.#subjects.get(referenceId);
      if (existing === undefined) return { deleted: false };
      const orderKey = this.#orderKeyInTxn(referenceId, existing);
      const sequence = this.#readLastSequence() + 1;
      const change = packPlain({ op: 'delete', referenceId });
      const last = packPlain(sequence);
      void this.#subjects.remove(referenceId);
      if (orderKey !== undefined) void this.#order.remove(orderKey);
      void this.#changes.put(sequence, change);
      void this.#meta.put('lastSequence', last);
      return { deleted: true, sequence };
    });
  }

  /** The subject with its decrypted templates, or undefined. ERR_STORE_CORRUPT if it fails authentication. */
  get(referenceId: string): StoredSubject | undefined {
    this.#assertOpen();
    validateReferenceId(referenceId);
    // lmdb's reused read buffer, not a copy per record (the coarse residency reads ≈ 500 records per
    // identify): a view of it is valid until the next read, and is decoded and decrypted (into a
    // payload of its own) before anything else reads; `length` is the record's (lmdb sets it)
    const fast = this.#subjects.getBinaryFast(referenceId);
    return fast === undefined ? undefined : this.#decode(referenceId, fast.subarray(0, fast.length));
  }

  /** Whether the subject exists; reads no template and needs no decryption. */
  has(referenceId: string): boolean {
    this.#assertOpen();
    validateReferenceId(referenceId);
    return this.#subjects.doesExist(referenceId);
  }

  /** Number of subjects (LMDB keeps the entry count: O(1)). */
  count(): number {
    this.#assertOpen();
    return (this.#subjects.getStats() as { entryCount: number }).entryCount;
  }

  /** The sequence of the last insert or delete; 0 for a new store. */
  lastSequence(): number {
    this.#assertOpen();
    return this.#readLastSequence();
  }

  /**
   * Every subject, decrypted, in insert (sequence) order: the input of a shard rebuild. Reads one
   * snapshot, so writes committed during the iteration are not seen (the caller applies those
   * as they are acknowledged). Iterate to the end or `break` (which closes the snapshot); an
   * abandoned iterator pins old pages until it is garbage-collected. Throws ERR_STORE_CORRUPT on
   * the first record that fails authentication: a rebuild must not silently drop a subject.
   */
  *subjects(): Generator<StoredSubject, void, undefined> {
    this.#assertOpen();
    const transaction = this.#root.useReadTransaction();
    try {
      for (const { value: referenceId } of this.#order.getRange({ transaction })) {
        const record = this.#subjects.get(referenceId, { transaction });
        if (record === undefined) throw new StoreError('ERR_STORE_CORRUPT', `subject "${referenceId}" is in the insert order but has no record`, { referenceId });
        yield this.#decode(referenceId, record);
      }
    } finally {
      transaction.done();
    }
  }

  /** The change log after `afterSequence`, in order: what a replica needs to catch up. */
  *changes(afterSequence = 0): Generator<StoreChange, void, undefined> {
    this.#assertOpen();
    for (const { key: sequence, value } of this.#changes.getRange({ start: afterSequence + 1 })) {
      const { op, referenceId } = unpackPlain(value) as { op: StoreChange['op']; referenceId: string };
      yield { sequence, op, referenceId };
    }
  }

  /** Waits for pending writes, then closes the environment. Further calls throw ERR_STORE_CLOSED. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#root.close();
    } finally {
      this.#lock?.release();
    }
  }

  #decode(referenceId: string, record: Uint8Array): StoredSubject {
    const { sequence, templates } = decodeRecord(this.#key, referenceId, record);
    return subjectFromSlots(referenceId, sequence, templates);
  }

  /** Inside a transaction callback this reads the write transaction, so concurrent writers never share a number. */
  #readLastSequence(): number {
    const raw = this.#meta.get('lastSequence');
    if (raw === undefined) return 0;
    const value = unpackPlain(raw);
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new StoreError('ERR_STORE_CORRUPT', 'store metadata: lastSequence is not a valid sequence');
    }
    return value;
  }

  /**
   * The order key of a subject being deleted. Normally read from its envelope; if the envelope
   * itself is damaged, found by scanning the order, so an operator can always delete a corrupt record.
   */
  #orderKeyInTxn(referenceId: string, record: Uint8Array): number | undefined {
    try {
      return decodeRecordHeader(referenceId, record).sequence;
    } catch {
      for (const { key, value } of this.#order.getRange()) if (value === referenceId) return key;
      return undefined;
    }
  }

  #checkFormat(): void {
    const raw = this.#meta.get('format');
    if (raw === undefined) {
      // A new environment (or one from before any write): stamp it, synchronously and durably.
      this.#meta.putSync('format', packPlain(STORE_FORMAT_VERSION));
      return;
    }
    const format = unpackPlain(raw);
    if (format !== STORE_FORMAT_VERSION) {
      throw new StoreError('ERR_STORE_VERSION', `store layout ${String(format)} is not the one this build reads (${STORE_FORMAT_VERSION})`);
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new StoreError('ERR_STORE_CLOSED', 'the subject store is closed');
  }
}
