/**
 * The ID service's other biometric formats: a CBEFF document (MOSIP's record, read by
 * api/intake, exception BIRs honoured) and finger images through the extractor (real FVC2002
 * DB1_B TIFFs from the shared data folder; skipped, naming the folder, when absent).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DedupEngine, generateTemplateKey, parseTemplateKey, writeCbeff } from '../engine/index.ts';
import { startIdService, type IdServiceHandle } from '../api/id-service/index.ts';
import { dataDir } from '../bench/data-dir.ts';
import { syntheticPeople } from './fixtures/id-service/people.ts';
import { call } from './fixtures/id-service/client.ts';

const OPERATOR = 'operator-token-0123456789';
const CLIENT = 'client-token-0123456789';
const SUBTYPE: Record<number, string> = { 2: 'Right IndexFinger', 7: 'Left IndexFinger' };
const people = syntheticPeople(4, 77);

let dir: string;
let engine: DedupEngine;
let server: IdServiceHandle;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'biodedup-id-formats-'));
  engine = DedupEngine.open({ dataDir: path.join(dir, 'engine'), key: parseTemplateKey(generateTemplateKey()), threads: 1 });
  server = await startIdService({
    engine, port: 0, operatorToken: OPERATOR, clientTokens: { c: CLIENT }, dataDir: dir, captureThreads: 0, // inline: the other tests use the worker pool
    limits: { maxBodyBytes: 4 * 1024 * 1024, maxEnrolBodyBytes: 4 * 1024 * 1024 },
  });
}, 60_000);
afterAll(async () => {
  await server?.close();
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A MOSIP-shaped CBEFF document of a person's capture, with a thumb marked as an exception. */
function cbeffOf(person: number, capture: 0 | 1, base64: 'standard' | 'url-unpadded'): string {
  const birs = people[person].capture[capture].fingers.map((f) => ({ type: 'Finger', subtype: SUBTYPE[f.position], bdb: new Uint8Array(Buffer.from(f.data, 'base64')) }));
  return writeCbeff([...birs, { type: 'Finger', subtype: 'Right Thumb', exception: true }], { base64 });
}

describe('ID service with CBEFF documents', () => {
  it('enrols from CBEFF, deduplicates a second CBEFF of the same person, verifies with CBEFF', async () => {
    const first = await call(server.port, 'POST', '/enrol', { token: CLIENT, body: { demographicsRef: 'cbeff-0', biometrics: { cbeff: cbeffOf(0, 0, 'url-unpadded') } } });
    expect(first.status).toBe(201);
    const again = await call(server.port, 'POST', '/enrol', { token: CLIENT, body: { demographicsRef: 'cbeff-0b', biometrics: { cbeff: cbeffOf(0, 1, 'standard') } } });
    expect(again.status).toBe(202);
    expect(again.text).not.toContain(first.json.uin);
    const genuine = await call(server.port, 'POST', '/verify', { token: CLIENT, body: { uin: first.json.uin, biometrics: { cbeff: cbeffOf(0, 1, 'standard') } } });
    expect(genuine.json.match).toBe(true);
    const impostor = await call(server.port, 'POST', '/verify', { token: CLIENT, body: { uin: first.json.uin, biometrics: { cbeff: cbeffOf(1, 1, 'standard') } } });
    expect(impostor.json.match).toBe(false);
  });

  it('answers typed errors for a broken or empty CBEFF document', async () => {
    const broken = await call(server.port, 'POST', '/enrol', { token: CLIENT, body: { demographicsRef: 'x', biometrics: { cbeff: '<BIR><BIR>' } } });
    expect(broken.status).toBe(422);
    expect(broken.json.error.code).toBe('ERR_INTAKE_CBEFF');
    const onlyExceptions = writeCbeff([{ type: 'Finger', subtype: 'Left Thumb', exception: true }]);
    const empty = await call(server.port, 'POST', '/enrol', { token: CLIENT, body: { demographicsRef: 'x', biometrics: { cbeff: onlyExceptions } } });
    expect(empty.status).toBe(422);
    expect(empty.json.error.code).toMatch(/^ERR_(INTAKE_EMPTY|NO_BIOMETRICS)$/);
    const mixed = await call(server.port, 'POST', '/enrol', { token: CLIENT, body: { demographicsRef: 'x', biometrics: { cbeff: onlyExceptions, fingers: [] } } });
    expect(mixed.status).toBe(400);
  });
});

const fvc = path.join(dataDir(), 'fingerprint', 'fvc2002', 'DB1_B');
const hasImages = existsSync(path.join(fvc, '101_1.tif'));
if (!hasImages) console.log(`skipping the ID service image tests: no FVC2002 DB1_B images under ${fvc} (set BIODEDUP_DATA)`);

describe('ID service with finger images', () => {
  const image = (name: string) => readFileSync(path.join(fvc, `${name}.tif`)).toString('base64');
  const capture = (a: string, b: string) => ({ fingers: [{ position: 2, format: 'image', data: image(a), dpi: 500 }, { position: 7, format: 'image', data: image(b), dpi: 500 }] });

  it.skipIf(!hasImages)('enrols from images and verifies image probes: genuine matches, impostor does not', async () => {
    const enrolled = await call(server.port, 'POST', '/enrol', { token: CLIENT, body: { demographicsRef: 'img-1', biometrics: capture('101_1', '102_1') } });
    expect(enrolled.status).toBe(201);
    const genuine = await call(server.port, 'POST', '/verify', { token: CLIENT, body: { uin: enrolled.json.uin, biometrics: capture('101_3', '102_3') } });
    expect(genuine.json.match).toBe(true);
    const impostor = await call(server.port, 'POST', '/verify', { token: CLIENT, body: { uin: enrolled.json.uin, biometrics: capture('103_3', '104_3') } });
    expect(impostor.json.match).toBe(false);
    const again = await call(server.port, 'POST', '/enrol', { token: CLIENT, body: { demographicsRef: 'img-1b', biometrics: capture('101_2', '102_2') } });
    expect(again.status).toBe(202);
  });
});
