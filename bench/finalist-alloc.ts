/**
 * External memory allocated per finalist of the coarse residency (docs/finger-tier.md): a stored
 * 2-finger subject read from the store (LMDB, AES-256-GCM, decode) and placed in a full arena
 * (MCC1 → compact), as finger-tier.ts does ≈ 500 times per identify at 1M fingers. Each buffer
 * outside V8's heap counts towards the external memory that brings its full collections forward
 * on the main thread. `node --expose-gc --min-semi-space-size=256 --max-semi-space-size=256
 * --import tsx bench/finalist-alloc.ts [--subjects 50]`: the growth of
 * process.memoryUsage().arrayBuffers over N reads, after a forced collection (a count of bytes,
 * not a timing: repeatable on a loaded machine). A collection inside a round frees some of the
 * round's buffers and shows as a lower figure: the large young generation and the few subjects
 * keep most rounds free of one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { FingerMatcher, generateTemplateKey, parseTemplateKey } from '../engine/index.ts';
import { openSubjectStore } from '../engine/store/subject-store.ts';
import { ShardArena } from '../engine/gallery/shard-arena.ts';
import { MODALITY_FINGER } from '../engine/gallery/shard-layout.ts';
import { generateDataset } from '../datasets/synthetic.ts';

const { values } = parseArgs({ options: { subjects: { type: 'string', default: '50' } }, strict: true });
const subjects = Number(values.subjects);
const collect = (globalThis as { gc?: () => void }).gc;
if (collect === undefined) throw new Error('run with node --expose-gc');

const dir = mkdtempSync(path.join(tmpdir(), 'biodedup-finalist-alloc-'));
try {
  const store = openSubjectStore({ path: dir, key: parseTemplateKey(generateTemplateKey()) });
  const matcher = new FingerMatcher();
  const prints = generateDataset(2 * subjects, 1, 20261204);
  const template = (k: number) => ({ modality: 'finger' as const, version: 1, bytes: matcher.createTemplate(prints[k].record.views[0].minutiae).bytes });
  for (let s = 0; s < subjects; s++) await store.insert({ referenceId: `s${s}`, fingers: { 2: template(2 * s), 7: template(2 * s + 1) } });
  const perFinalist: number[] = [];
  for (let round = 0; round < 5; round++) {
    const arena = new ShardArena(2 * subjects, 4 << 20, 65536, 'full');
    collect();
    const before = process.memoryUsage().arrayBuffers;
    for (let s = 0; s < subjects; s++) {
      const stored = store.get(`s${s}`)!;
      arena.appendSubject(s, Object.entries(stored.fingers ?? {}).map(([position, t]) => ({ modality: MODALITY_FINGER, position: Number(position), bytes: t!.bytes })));
    }
    perFinalist.push(Math.round((process.memoryUsage().arrayBuffers - before) / subjects));
  }
  console.log(`external bytes allocated per 2-finger finalist (store read + arena placement), ${subjects} subjects, 5 rounds: ${perFinalist.join(', ')}`);
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
