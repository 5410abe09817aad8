/**
 * Issue 12, defect 11 (docs/production.md, "Backup and restore"): a backup taken while the
 * service runs, restored into a fresh folder, opens with the same key and identifies the same:
 * every enrolled person is found again with the same candidates and scores, and every UIN still
 * verifies its holder. Data: synthetic minutiae.
 */
import { afterAll, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DedupEngine, FINGER_TEMPLATE_VERSION, FingerMatcher, generateTemplateKey, parseTemplateKey, readMinutiaeRecord, type Probe } from '../engine/index.ts';
import { startIdService } from '../api/id-service/index.ts';
import { backupDataDir } from '../api/backup.ts';
import { rekeyStore } from '../api/rekey.ts';
import { syntheticPeople } from './fixtures/id-service/people.ts';
import { call } from './fixtures/id-service/client.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const tempDir = (): string => {
  const d = mkdtempSync(path.join(tmpdir(), 'biodedup-backup-'));
  dirs.push(d);
  return d;
};

it('restores a live backup that identifies and verifies exactly as the original', async () => {
  const key = parseTemplateKey(generateTemplateKey());
  const people = syntheticPeople(12, 31337);
  const matcher = new FingerMatcher();
  const probeOf = (p: number): Probe => ({
    fingers: people[p].capture[1].fingers.map((f) => {
      const record = readMinutiaeRecord(new Uint8Array(Buffer.from(f.data, 'base64')));
      return { position: f.position, template: matcher.createTemplate(record.views[0].minutiae, { resolutionPxPerCm: record.resolutionX }).bytes };
    }),
    irises: [],
  });
  const OPERATOR = 'operator-token-0123456789', CLIENT = 'client-token-0123456789';

  const dataDir = tempDir();
  const engine = DedupEngine.open({ dataDir, key, threads: 1 });
  const service = await startIdService({ engine, port: 0, operatorToken: OPERATOR, clientTokens: { c: CLIENT }, dataDir, captureThreads: 0 });
  const uins: string[] = [];
  for (let p = 0; p < 10; p++) {
    const r = await call(service.port, 'POST', '/enrol', { token: CLIENT, body: { demographicsRef: `p${p}`, biometrics: people[p].capture[0] } });
    expect(r.status).toBe(201);
    uins.push(r.json.uin);
  }
  // a subject enrolled through the engine alone (the ABIS door's way)
  const fingers = Object.fromEntries(probeOf(10).fingers!.map((f) => [f.position, { modality: 'finger' as const, version: FINGER_TEMPLATE_VERSION, bytes: f.template }]));
  await engine.insert({ referenceId: 'abis-ref-10', fingers, irises: {} });
  const before = await Promise.all(people.map((_, p) => engine.identify(probeOf(p), { targetFPIR: 20, maxResults: 5, mode: 'exhaustive' })));

  const backup = path.join(tempDir(), 'set');
  const report = await backupDataDir(dataDir, backup); // while both are open and serving
  expect(report.environments).toEqual(['id-service', '.']);
  await service.close();
  await engine.close();

  const restoredDir = tempDir();
  rmSync(restoredDir, { recursive: true });
  // restore = the backup folder becomes the data folder
  const { cpSync } = await import('node:fs');
  cpSync(backup, restoredDir, { recursive: true });
  const restored = DedupEngine.open({ dataDir: restoredDir, key, threads: 1 });
  expect(restored.count()).toBe(11);
  for (const [p, result] of before.entries()) {
    const again = await restored.identify(probeOf(p), { targetFPIR: 20, maxResults: 5, mode: 'exhaustive' });
    expect(again.candidates.map((c) => [c.referenceId, c.score.toFixed(3)])).toEqual(result.candidates.map((c) => [c.referenceId, c.score.toFixed(3)]));
  }
  expect(before[10].candidates[0]?.referenceId).toBe('abis-ref-10');
  expect(before[11].candidates).toEqual([]); // never enrolled: still nobody
  const restoredService = await startIdService({ engine: restored, port: 0, operatorToken: OPERATOR, clientTokens: { c: CLIENT }, dataDir: restoredDir, captureThreads: 0 });
  for (const [p, uin] of uins.entries()) {
    const r = await call(restoredService.port, 'POST', '/verify', { token: CLIENT, body: { uin, biometrics: people[p].capture[1] } });
    expect(r.json).toEqual({ match: true, reason: 'MATCHED' });
  }
  await restoredService.close();
  await restored.close();
}, 120_000);

it('rotates the template key: a re-sealed copy identifies the same under the new key, and the old key no longer opens it', async () => {
  const oldKey = parseTemplateKey(generateTemplateKey());
  const newKey = parseTemplateKey(generateTemplateKey());
  const people = syntheticPeople(4, 2718);
  const matcher = new FingerMatcher();
  const probeOf = (p: number): Probe => ({
    fingers: people[p].capture[1].fingers.map((f) => {
      const record = readMinutiaeRecord(new Uint8Array(Buffer.from(f.data, 'base64')));
      return { position: f.position, template: matcher.createTemplate(record.views[0].minutiae, { resolutionPxPerCm: record.resolutionX }).bytes };
    }),
    irises: [],
  });
  const from = tempDir();
  const engine = DedupEngine.open({ dataDir: from, key: oldKey, threads: 1 });
  for (let p = 0; p < 4; p++) {
    const fingers = Object.fromEntries(probeOf(p).fingers!.map((f) => [f.position, { modality: 'finger' as const, version: FINGER_TEMPLATE_VERSION, bytes: f.template }]));
    await engine.insert({ referenceId: `ref-${p}`, fingers, irises: {} });
  }
  const before = await engine.identify(probeOf(2), { targetFPIR: 20, maxResults: 3, mode: 'exhaustive' });
  await engine.close();
  const to = path.join(tempDir(), 'rekeyed');
  expect(await rekeyStore(from, to, oldKey, newKey)).toBe(4);
  const rekeyed = DedupEngine.open({ dataDir: to, key: newKey, threads: 1 });
  const after = await rekeyed.identify(probeOf(2), { targetFPIR: 20, maxResults: 3, mode: 'exhaustive' });
  expect(after.candidates.map((c) => [c.referenceId, c.score.toFixed(3)])).toEqual(before.candidates.map((c) => [c.referenceId, c.score.toFixed(3)]));
  await rekeyed.close();
  expect(() => DedupEngine.open({ dataDir: to, key: oldKey, threads: 1 })).toThrow(/ERR_STORE_CORRUPT|authentic|decrypt/i);
}, 120_000);
