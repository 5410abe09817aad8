/**
 * The durable subject store (engine/store/): operation semantics, encryption at rest, input
 * validation without partial writes, and crash safety under SIGKILL. Every store lives in its
 * own temporary directory, removed at the end.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { open as openLmdb } from 'lmdb';
import { pack, unpack } from 'msgpackr';
import {
  DEFAULT_STORE_LIMITS, StoreError, generateTemplateKey, loadTemplateKey, openSubjectStore, parseTemplateKey,
  type StoredSubject, type Subject, type SubjectStore, type TemplateKey, type StoreLimits,
} from '../engine/store/index.ts';
import { STORE_DATABASES } from '../engine/store/subject-store.ts';
import { derivedBytes, syntheticSubject } from './fixtures/store-subjects.ts';
import { runWriterAndKill } from './support/kill-writer.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PROJECT = path.resolve(HERE, '..');
const CRASH_WRITER = path.join(HERE, 'fixtures', 'store-crash-writer.ts');

const KEY_HEX = generateTemplateKey();
const KEY = parseTemplateKey(KEY_HEX);

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'biodedup-store-'));
  tempDirs.push(dir);
  return dir;
}

function newStore(options: { dir?: string; key?: TemplateKey; limits?: Partial<StoreLimits> } = {}): { store: SubjectStore; dir: string } {
  const dir = options.dir ?? tempDir();
  return { store: openSubjectStore({ path: dir, key: options.key ?? KEY, limits: options.limits }), dir };
}

function storeErrorOf(action: () => unknown): StoreError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(StoreError);
    return error as StoreError;
  }
  throw new Error('expected a StoreError, nothing was thrown');
}

async function rejectionOf(promise: Promise<unknown>): Promise<StoreError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(StoreError);
    return error as StoreError;
  }
  throw new Error('expected a StoreError, the promise resolved');
}

/** Byte-exact comparison of every template (faster than a deep equal on 4 KiB arrays). */
function expectSameTemplates(stored: StoredSubject | undefined, expected: Subject): void {
  expect(stored, expected.referenceId).toBeDefined();
  const flatten = (s: Pick<Subject, 'fingers' | 'irises' | 'face'>): Array<[string, string, number, Buffer]> => {
    const out: Array<[string, string, number, Buffer]> = [];
    for (const [position, t] of Object.entries(s.fingers ?? {})) out.push([`finger:${position}`, t.modality, t.version, Buffer.from(t.bytes)]);
    for (const [side, t] of Object.entries(s.irises ?? {})) out.push([`iris:${side}`, t.modality, t.version, Buffer.from(t.bytes)]);
    if (s.face) out.push(['face', s.face.modality, s.face.version, Buffer.from(s.face.bytes)]);
    return out.sort((a, b) => a[0].localeCompare(b[0]));
  };
  const got = flatten(stored!), want = flatten(expected);
  expect(got.map(([slot, modality, version]) => [slot, modality, version])).toEqual(want.map(([slot, modality, version]) => [slot, modality, version]));
  got.forEach(([slot, , , bytes], i) => expect(bytes.equals(want[i][3]), `${expected.referenceId} ${slot} bytes`).toBe(true));
}

/** Opens the raw LMDB environment, as an attacker or a careless operator with file access would. */
async function withRawDatabases(dir: string, action: (dbs: { subjects: ReturnType<typeof openRaw>['subjects']; order: ReturnType<typeof openRaw>['order'] }) => void): Promise<void> {
  const raw = openRaw(dir);
  try {
    raw.root.transactionSync(() => action(raw));
  } finally {
    await raw.root.close();
  }
}
function openRaw(dir: string) {
  const root = openLmdb({ path: dir, overlappingSync: false });
  return {
    root,
    subjects: root.openDB<Uint8Array, string>(STORE_DATABASES.subjects, { encoding: 'binary' }),
    order: root.openDB<string, number>(STORE_DATABASES.order, { encoding: 'string' }),
  };
}

// ---------------------------------------------------------------- keys

describe('template key', () => {
  it('no key configured: ERR_STORE_NO_KEY, and the store directory is not even created', () => {
    expect(storeErrorOf(() => loadTemplateKey({})).code).toBe('ERR_STORE_NO_KEY');
    const dir = path.join(tempDir(), 'never-created');
    const saved = { key: process.env.BIODEDUP_TEMPLATE_KEY, file: process.env.BIODEDUP_TEMPLATE_KEY_FILE };
    delete process.env.BIODEDUP_TEMPLATE_KEY;
    delete process.env.BIODEDUP_TEMPLATE_KEY_FILE;
    try {
      const error = storeErrorOf(() => openSubjectStore({ path: dir }));
      expect(error.code).toBe('ERR_STORE_NO_KEY');
      expect(error.message).toMatch(/BIODEDUP_TEMPLATE_KEY/);
      expect(existsSync(dir)).toBe(false);
    } finally {
      if (saved.key !== undefined) process.env.BIODEDUP_TEMPLATE_KEY = saved.key;
      if (saved.file !== undefined) process.env.BIODEDUP_TEMPLATE_KEY_FILE = saved.file;
    }
  });

  it('malformed keys are ERR_STORE_KEY and the message never echoes the key text', () => {
    const secretish = 'zz' + KEY_HEX.slice(2);
    for (const text of ['', 'abc', KEY_HEX.slice(1), secretish, Buffer.alloc(31, 7).toString('base64'), Buffer.alloc(33, 7).toString('base64')]) {
      const error = storeErrorOf(() => parseTemplateKey(text));
      expect(error.code, JSON.stringify(text)).toBe('ERR_STORE_KEY');
      if (text.length > 3) expect(error.message).not.toContain(text);
    }
    expect(storeErrorOf(() => loadTemplateKey({ BIODEDUP_TEMPLATE_KEY: KEY_HEX, BIODEDUP_TEMPLATE_KEY_FILE: '/x' })).code).toBe('ERR_STORE_KEY');
    expect(storeErrorOf(() => loadTemplateKey({ BIODEDUP_TEMPLATE_KEY_FILE: path.join(tempDir(), 'missing.key') })).code).toBe('ERR_STORE_KEY');
  });

  it('hex, base64 and key-file forms of the same bytes open the same store', async () => {
    const bytes = Buffer.from(KEY_HEX, 'hex');
    const keyFile = path.join(tempDir(), 'template.key');
    writeFileSync(keyFile, `${bytes.toString('base64')}\n`, { mode: 0o600 });
    const { store, dir } = newStore({ key: loadTemplateKey({ BIODEDUP_TEMPLATE_KEY: KEY_HEX.toUpperCase() }) });
    await store.insert(syntheticSubject('key-forms', 64));
    await store.close();
    for (const key of [parseTemplateKey(bytes.toString('base64')), loadTemplateKey({ BIODEDUP_TEMPLATE_KEY_FILE: keyFile })]) {
      const { store: again } = newStore({ dir, key });
      expectSameTemplates(again.get('key-forms'), syntheticSubject('key-forms', 64));
      await again.close();
    }
  });

  it('a TemplateKey never prints its bytes', () => {
    const base64 = Buffer.from(KEY_HEX, 'hex').toString('base64');
    for (const shown of [String(KEY), JSON.stringify({ KEY }), inspect(KEY, { showHidden: true, depth: 5 })]) {
      expect(shown).not.toContain(KEY_HEX);
      expect(shown).not.toContain(base64);
    }
    expect(generateTemplateKey()).toMatch(/^[0-9a-f]{64}$/);
    expect(generateTemplateKey()).not.toBe(generateTemplateKey());
  });
});

// ---------------------------------------------------------------- operations

describe('operations', () => {
  it('insert, get, has, count; a re-insert is already-present and changes nothing', async () => {
    const { store } = newStore();
    expect(store.count()).toBe(0);
    expect(store.lastSequence()).toBe(0);
    expect(store.has('alice')).toBe(false);
    expect(store.get('alice')).toBeUndefined();

    expect(await store.insert(syntheticSubject('alice'))).toEqual({ status: 'inserted', sequence: 1 });
    expect(store.has('alice')).toBe(true);
    expect(store.count()).toBe(1);
    const alice = store.get('alice');
    expectSameTemplates(alice, syntheticSubject('alice'));
    expect(alice?.sequence).toBe(1);

    // Same referenceId, other templates: MOSIP treats it as success; the first enrolment stays.
    const other = { referenceId: 'alice', face: { modality: 'face', version: 9, bytes: new Uint8Array([1, 2, 3]) } } as const;
    expect(await store.insert(other)).toEqual({ status: 'already-present', sequence: 1 });
    expectSameTemplates(store.get('alice'), syntheticSubject('alice'));
    expect(store.count()).toBe(1);
    expect(store.lastSequence()).toBe(1);
    expect([...store.changes()]).toEqual([{ sequence: 1, op: 'insert', referenceId: 'alice' }]);
    await store.close();
  });

  it('inserts of one referenceId racing in the same event turn: exactly one is inserted', async () => {
    const { store } = newStore();
    const results = await Promise.all([1, 2, 3, 4].map(() => store.insert(syntheticSubject('racer', 256))));
    expect(results.filter((r) => r.status === 'inserted')).toHaveLength(1);
    expect(results.every((r) => r.sequence === 1)).toBe(true);
    expect(store.count()).toBe(1);
    expect(store.lastSequence()).toBe(1);
    await store.close();
  });

  it('delete removes; deleting an absent subject changes nothing; a deleted id can be enrolled again', async () => {
    const { store } = newStore();
    await store.insert(syntheticSubject('bob', 128));
    await store.insert(syntheticSubject('carol', 128));
    expect(await store.delete('bob')).toEqual({ deleted: true, sequence: 3 });
    expect(store.has('bob')).toBe(false);
    expect(store.get('bob')).toBeUndefined();
    expect(store.count()).toBe(1);

    expect(await store.delete('bob')).toEqual({ deleted: false });
    expect(await store.delete('nobody')).toEqual({ deleted: false });
    expect(store.lastSequence()).toBe(3);

    expect(await store.insert(syntheticSubject('bob', 128))).toEqual({ status: 'inserted', sequence: 4 });
    expect(store.count()).toBe(2);
    expect([...store.changes()].map((c) => `${c.sequence}:${c.op}:${c.referenceId}`)).toEqual([
      '1:insert:bob', '2:insert:carol', '3:delete:bob', '4:insert:bob',
    ]);
    expect([...store.changes(2)].map((c) => c.sequence)).toEqual([3, 4]);
    await store.close();
  });

  it('subjects() yields live subjects in insert order (not key order) with increasing sequences', async () => {
    const { store } = newStore();
    const ids = ['zulu', 'alpha', 'mike', 'bravo', 'yankee'];
    for (const id of ids) await store.insert(syntheticSubject(id, 100));
    await store.delete('mike');
    const seen = [...store.subjects()];
    expect(seen.map((s) => s.referenceId)).toEqual(['zulu', 'alpha', 'bravo', 'yankee']);
    expect(seen.map((s) => s.sequence)).toEqual([1, 2, 4, 5]);
    seen.forEach((s) => expectSameTemplates(s, syntheticSubject(s.referenceId, 100)));

    // Breaking out early closes the snapshot; the store stays usable.
    for (const s of store.subjects()) if (s.referenceId === 'alpha') break;
    await store.insert(syntheticSubject('xray', 100));
    expect([...store.subjects()].map((s) => s.referenceId).at(-1)).toBe('xray');
    await store.close();
  });

  it('subjects() reads one snapshot: an insert committed mid-iteration is not seen by that iteration', async () => {
    const { store } = newStore();
    for (const id of ['s1', 's2', 's3']) await store.insert(syntheticSubject(id, 64));
    const iteration = store.subjects();
    expect(iteration.next().value?.referenceId).toBe('s1');
    await store.insert(syntheticSubject('s4', 64));
    await store.delete('s3');
    expect([...iteration].map((s) => s.referenceId)).toEqual(['s2', 's3']);
    expect([...store.subjects()].map((s) => s.referenceId)).toEqual(['s1', 's2', 's4']);
    await store.close();
  });

  it('batched concurrent inserts each get their own sequence', async () => {
    const { store } = newStore();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => store.insert(syntheticSubject(`batch-${i}`, 64))));
    expect(results.map((r) => r.sequence).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(store.count()).toBe(50);
    await store.close();
  });

  it('every slot round-trips: 10 fingers, both irises, a face, with their versions', async () => {
    const { store } = newStore();
    const fingers: Record<number, { modality: 'finger'; version: number; bytes: Uint8Array }> = {};
    for (let position = 1; position <= 10; position++) {
      fingers[position] = { modality: 'finger', version: position * 100, bytes: derivedBytes(`full/${position}`, 100 + position) };
    }
    const full: Subject = {
      referenceId: 'Full.Subject:01-x_y',
      fingers,
      irises: {
        left: { modality: 'iris', version: 2, bytes: derivedBytes('full/left', 2048) },
        right: { modality: 'iris', version: 2, bytes: derivedBytes('full/right', 2048) },
      },
      face: { modality: 'face', version: 65535, bytes: derivedBytes('full/face', DEFAULT_STORE_LIMITS.maxTemplateBytes) },
    };
    await store.insert(full);
    const stored = store.get(full.referenceId);
    expectSameTemplates(stored, full);
    expect(Object.keys(stored!.fingers)).toHaveLength(10);
    expect(stored!.fingers[3]?.bytes).toBeInstanceOf(Uint8Array);
    await store.close();
  });

  it('reopening finds every subject, the count, the order and the sequence where they were', async () => {
    const { store, dir } = newStore();
    for (const id of ['one', 'two', 'three']) await store.insert(syntheticSubject(id, 300));
    await store.delete('two');
    await store.close();
    expect(storeErrorOf(() => store.count()).code).toBe('ERR_STORE_CLOSED');
    expect((await rejectionOf(store.insert(syntheticSubject('late', 10)))).code).toBe('ERR_STORE_CLOSED');

    const { store: again } = newStore({ dir });
    expect(again.count()).toBe(2);
    expect(again.lastSequence()).toBe(4);
    expect([...again.subjects()].map((s) => s.referenceId)).toEqual(['one', 'three']);
    expectSameTemplates(again.get('three'), syntheticSubject('three', 300));
    expect(await again.insert(syntheticSubject('four', 300))).toEqual({ status: 'inserted', sequence: 5 });
    await again.close();
  });
});

// ---------------------------------------------------------------- encryption at rest

describe('encryption at rest', () => {
  it('the data file holds the referenceId in clear but no template bytes', async () => {
    const { store, dir } = newStore();
    const subject = syntheticSubject('plaintext-probe');
    await store.insert(subject);
    await store.close();
    const file = readFileSync(path.join(dir, 'data.mdb'));
    expect(file.includes(Buffer.from('plaintext-probe'))).toBe(true); // the search works, and ids are clear by design
    for (const t of [subject.fingers![2]!, subject.fingers![7]!, subject.irises!.left!]) {
      const bytes = Buffer.from(t.bytes);
      for (const start of [0, 100, bytes.length - 16]) expect(file.includes(bytes.subarray(start, start + 16))).toBe(false);
    }
  });

  it('a tampered record is ERR_STORE_CORRUPT naming the subject, never its template bytes; it can still be deleted', async () => {
    for (const where of ['tag (last byte)', 'ciphertext (middle byte)', 'envelope (first byte)'] as const) {
      const { store, dir } = newStore();
      const victim = syntheticSubject('victim', 256);
      await store.insert(victim);
      await store.insert(syntheticSubject('bystander', 256));
      await store.close();
      await withRawDatabases(dir, ({ subjects }) => {
        const record = Buffer.from(subjects.get('victim')!);
        const index = where.startsWith('tag') ? record.length - 1 : where.startsWith('cipher') ? record.length >> 1 : 0;
        record[index] ^= 0x5a;
        subjects.putSync('victim', record);
      });
      const { store: again } = newStore({ dir });
      const error = storeErrorOf(() => again.get('victim'));
      expect(error.code, where).toBe('ERR_STORE_CORRUPT');
      expect(error.referenceId).toBe('victim');
      expect(error.message).toContain('victim');
      expect(error.message).not.toContain(Buffer.from(victim.fingers![2]!.bytes).toString('hex').slice(0, 16));
      expect(storeErrorOf(() => [...again.subjects()]).code).toBe('ERR_STORE_CORRUPT');
      expectSameTemplates(again.get('bystander'), syntheticSubject('bystander', 256));
      // An operator can always remove a damaged record, and the rebuild order goes with it.
      expect((await again.delete('victim')).deleted).toBe(true);
      expect([...again.subjects()].map((s) => s.referenceId)).toEqual(['bystander']);
      await again.close();
    }
  });

  it('the wrong key is ERR_STORE_CORRUPT on read and on iteration', async () => {
    const { store, dir } = newStore();
    await store.insert(syntheticSubject('keyed', 256));
    await store.close();
    const { store: wrong } = newStore({ dir, key: parseTemplateKey(generateTemplateKey()) });
    expect(wrong.has('keyed')).toBe(true); // operable without the key…
    expect(wrong.count()).toBe(1);
    expect(storeErrorOf(() => wrong.get('keyed')).code).toBe('ERR_STORE_CORRUPT'); // …but not readable
    expect(storeErrorOf(() => [...wrong.subjects()]).code).toBe('ERR_STORE_CORRUPT');
    await wrong.close();
  });

  it('a record moved to another referenceId fails authentication', async () => {
    const { store, dir } = newStore();
    await store.insert(syntheticSubject('alice', 256));
    await store.close();
    await withRawDatabases(dir, ({ subjects, order }) => {
      subjects.putSync('mallory', subjects.get('alice')!);
      order.putSync(99, 'mallory');
    });
    const { store: again } = newStore({ dir });
    const error = storeErrorOf(() => again.get('mallory'));
    expect(error.code).toBe('ERR_STORE_CORRUPT');
    expect(error.referenceId).toBe('mallory');
    expectSameTemplates(again.get('alice'), syntheticSubject('alice', 256));
    await again.close();
  });
});

describe('format versions', () => {
  it('a record or a store from a newer format is ERR_STORE_VERSION, not corruption', async () => {
    const { store, dir } = newStore();
    await store.insert(syntheticSubject('future', 64));
    await store.close();
    await withRawDatabases(dir, ({ subjects }) => {
      const envelope = unpack(subjects.get('future')!) as Record<string, unknown>;
      subjects.putSync('future', pack({ ...envelope, v: 2 }));
    });
    const { store: again } = newStore({ dir });
    expect(storeErrorOf(() => again.get('future')).code).toBe('ERR_STORE_VERSION');
    await again.close();

    const raw = openLmdb({ path: dir, overlappingSync: false });
    raw.openDB<Uint8Array, string>(STORE_DATABASES.meta, { encoding: 'binary' }).putSync('format', pack(2));
    await raw.close();
    expect(storeErrorOf(() => openSubjectStore({ path: dir, key: KEY })).code).toBe('ERR_STORE_VERSION');
  });
});

// ---------------------------------------------------------------- input validation

describe('input validation: typed errors, nothing written', () => {
  const finger = (bytes: unknown = new Uint8Array(8), extra: object = {}) => ({ modality: 'finger', version: 1, bytes, ...extra });
  const cases: Array<[string, unknown, RegExp]> = [
    ['not an object', 'alice', /subject must be an object/],
    ['null', null, /subject must be an object/],
    ['referenceId missing', { fingers: { 1: finger() } }, /referenceId must be a string/],
    ['referenceId empty', { referenceId: '', fingers: { 1: finger() } }, /referenceId must be 1–64/],
    ['referenceId 65 chars', { referenceId: 'a'.repeat(65), fingers: { 1: finger() } }, /referenceId must be 1–64/],
    ['referenceId with a slash', { referenceId: 'a/b', fingers: { 1: finger() } }, /referenceId must be 1–64/],
    ['referenceId with a space', { referenceId: 'a b', fingers: { 1: finger() } }, /referenceId must be 1–64/],
    ['unknown field', { referenceId: 'x', fingers: { 1: finger() }, palm: {} }, /unknown subject field "palm"/],
    ['finger position 0', { referenceId: 'x', fingers: { 0: finger() } }, /finger position must be 1–10/],
    ['finger position 11 (an 11th finger)', { referenceId: 'x', fingers: { 1: finger(), 11: finger() } }, /finger position must be 1–10/],
    ['finger position by name', { referenceId: 'x', fingers: { thumb: finger() } }, /finger position must be 1–10/],
    ['fingers as an array', { referenceId: 'x', fingers: [finger()] }, /fingers must be an object/],
    ['fingers as a Map', { referenceId: 'x', fingers: new Map([[1, finger()]]) }, /fingers must be an object/],
    ['a third iris', { referenceId: 'x', irises: { left: finger(), middle: finger() } }, /iris side must be/],
    ['iris tagged finger', { referenceId: 'x', irises: { left: finger() } }, /iris:left: template modality must be "iris"/],
    ['face tagged iris', { referenceId: 'x', face: { modality: 'iris', version: 1, bytes: new Uint8Array(4) } }, /face: template modality must be "face"/],
    ['version not an integer', { referenceId: 'x', fingers: { 1: finger(undefined, { version: 1.5 }) } }, /version must be an integer/],
    ['version too large', { referenceId: 'x', fingers: { 1: finger(undefined, { version: 65536 }) } }, /version must be an integer/],
    ['bytes as a number array', { referenceId: 'x', fingers: { 1: finger([1, 2, 3]) } }, /bytes must be a Uint8Array, got an array/],
    ['bytes as a string', { referenceId: 'x', fingers: { 1: finger('abc') } }, /bytes must be a Uint8Array, got string/],
    ['empty template', { referenceId: 'x', fingers: { 1: finger(new Uint8Array(0)) } }, /template is empty/],
    ['template over 64 KiB', { referenceId: 'x', fingers: { 1: finger(new Uint8Array(64 * 1024 + 1)) } }, /65537 bytes, above the limit of 65536/],
    ['no templates', { referenceId: 'x' }, /no templates/],
    ['empty groups', { referenceId: 'x', fingers: {}, irises: {} }, /no templates/],
  ];

  it.each(cases)('%s → ERR_STORE_INPUT', async (_name, subject, reason) => {
    const { store } = newStore();
    await store.insert(syntheticSubject('existing', 64));
    const error = await rejectionOf(store.insert(subject as Subject));
    expect(error.code).toBe('ERR_STORE_INPUT');
    expect(error.message).toMatch(reason);
    expect(store.count()).toBe(1);
    expect(store.lastSequence()).toBe(1);
    expect([...store.changes()]).toHaveLength(1);
    await store.close();
  });

  it('a subject valid except for its last template writes nothing at all', async () => {
    const { store } = newStore();
    const subject = {
      referenceId: 'half-good',
      fingers: { 1: finger(new Uint8Array(100)), 2: finger(new Uint8Array(100)) },
      face: { modality: 'face', version: 1, bytes: new Uint8Array(64 * 1024 + 1) },
    };
    expect((await rejectionOf(store.insert(subject as Subject))).code).toBe('ERR_STORE_INPUT');
    expect(store.has('half-good')).toBe(false);
    expect(store.count()).toBe(0);
    expect(store.lastSequence()).toBe(0);
    await store.close();
  });

  it('the per-subject limit applies to the sum of templates (configurable)', async () => {
    const { store } = newStore({ limits: { maxSubjectBytes: 10_000 } });
    const error = await rejectionOf(store.insert({ referenceId: 'big', fingers: { 1: finger(new Uint8Array(6000)), 2: finger(new Uint8Array(6000)) } } as Subject));
    expect(error.message).toMatch(/total 12000 bytes, above the limit of 10000/);
    expect((await store.insert({ referenceId: 'fits', fingers: { 1: finger(new Uint8Array(5000)), 2: finger(new Uint8Array(5000)) } } as Subject)).status).toBe('inserted');
    await store.close();
  });

  it('get, has and delete reject malformed referenceIds without echoing them', async () => {
    const { store } = newStore();
    const huge = 'Q'.repeat(10_000);
    for (const bad of ['', huge, 'a\u0000b', 42 as unknown as string]) {
      expect(storeErrorOf(() => store.get(bad)).code).toBe('ERR_STORE_INPUT');
      expect(storeErrorOf(() => store.has(bad)).code).toBe('ERR_STORE_INPUT');
      const error = await rejectionOf(store.delete(bad));
      expect(error.code).toBe('ERR_STORE_INPUT');
      expect(error.message).not.toContain('QQQQ');
    }
    await store.close();
  });
});

// ---------------------------------------------------------------- crash safety

/** Runs the crash writer until it has acknowledged `target` inserts, then SIGKILLs it while inserts are still in flight. */
function runStoreWriterAndKill(dir: string, round: number, target: number): Promise<string[]> {
  return runWriterAndKill({
    script: CRASH_WRITER, args: [dir, String(round)], cwd: PROJECT, target, watchdogMs: 20_000,
    env: { ...process.env, BIODEDUP_TEMPLATE_KEY: KEY_HEX, BIODEDUP_TEMPLATE_KEY_FILE: '' },
  });
}

describe('crash safety', () => {
  it('SIGKILL mid-stream: every acknowledged insert survives intact, nothing is corrupt (two rounds)', async () => {
    const dir = tempDir();
    const acknowledged: string[] = [];
    for (const round of [1, 2]) {
      acknowledged.push(...await runStoreWriterAndKill(dir, round, 200));

      const { store } = newStore({ dir });
      for (const referenceId of acknowledged) expectSameTemplates(store.get(referenceId), syntheticSubject(referenceId));
      expect(store.count()).toBeGreaterThanOrEqual(acknowledged.length);

      // Whatever else committed before the kill (acknowledged or not) must be whole too.
      const all = [...store.subjects()];
      expect(all).toHaveLength(store.count());
      for (const subject of all) expectSameTemplates(subject, syntheticSubject(subject.referenceId));
      const sequences = all.map((s) => s.sequence);
      expect(sequences.every((s, i) => i === 0 || s > sequences[i - 1])).toBe(true);
      expect(store.lastSequence()).toBe(sequences.at(-1));
      expect([...store.changes()].length).toBe(all.length);
      await store.close();
    }
    expect(acknowledged.filter((id) => id.startsWith('crash-2-')).length).toBeGreaterThanOrEqual(200);
  }, 30_000);
});
