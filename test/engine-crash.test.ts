/**
 * Crash safety of the whole engine: a writer inserting through DedupEngine (store, shards,
 * prefilter) is killed with SIGKILL mid-stream; after restart every acknowledged subject is
 * counted, searchable (exhaustive and through the rebuilt prefilter) and intact.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DedupEngine, generateTemplateKey, parseTemplateKey } from '../engine/index.ts';
import { crashTemplate } from './fixtures/engine-crash-subjects.ts';
import { runWriterAndKill } from './support/kill-writer.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PROJECT = path.resolve(HERE, '..');
const WRITER = path.join(HERE, 'fixtures', 'engine-crash-writer.ts');
const KEY_HEX = generateTemplateKey();
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

describe('engine crash safety', () => {
  it('SIGKILL mid-stream: every acknowledged insert is counted and found after restart', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'biodedup-engine-crash-'));
    dirs.push(dir);
    const acknowledged = await runWriterAndKill({
      script: WRITER, args: [dir], cwd: PROJECT, target: 60, watchdogMs: 60_000,
      env: { ...process.env, BIODEDUP_TEMPLATE_KEY: KEY_HEX, BIODEDUP_TEMPLATE_KEY_FILE: '' },
    });
    expect(acknowledged.length).toBeGreaterThanOrEqual(60);
    for (const index of ['hnsw', 'flat'] as const) {
      const engine = DedupEngine.open({ dataDir: dir, key: parseTemplateKey(KEY_HEX), threads: 2, prefilter: { minKeep: 20, index } });
      try {
        // hnsw: the writer was killed before any save, so the index is rebuilt from the store
        expect(engine.prefilterRebuilt).toBe(index === 'hnsw');
        expect(engine.count()).toBeGreaterThanOrEqual(acknowledged.length); // in-flight ones may have landed too
        expect(engine.stats().subjects).toBe(engine.count());
        for (const referenceId of acknowledged) {
          const n = Number(referenceId.slice('engine-crash-'.length));
          const probe = { fingers: [{ position: 2, template: crashTemplate(n) }] };
          const exhaustive = await engine.identify(probe, { mode: 'exhaustive', maxResults: 1 });
          expect(exhaustive.candidates[0]?.referenceId).toBe(referenceId);
          expect((await engine.prefilterCandidates(probe))!.has(referenceId)).toBe(true);
          expect((await engine.verify(referenceId, probe)).match).toBe(true);
        }
      } finally {
        await engine.close();
      }
    }
  }, 120_000);
});
