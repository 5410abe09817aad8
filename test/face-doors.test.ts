/**
 * Issue 17's door-level acceptance, on real ORL photos (skipped with a message when
 * ../shared/data/face is absent):
 * - ABIS over HTTP: insert CBEFF records whose only sample is a Face BIR (ISO/IEC 19794-5:2011
 *   with a lossy JPEG 2000 image, extracted in the intake worker pool); identify with a CBEFF of
 *   another photo of person A finds A's record, a photo of person B does not, and a person never
 *   enrolled finds no one;
 * - ID service over HTTP: enrol a face (ISO 19794-5 record), verify 1:1 with another photo of the
 *   same person (match) and of someone else (no match), through the capture worker pool.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import {
  DedupEngine, decodePgm, encodeJpeg2000, faceRepresentation, generateTemplateKey, parseTemplateKey, writeCbeff, writeIso19794_5,
} from '../engine/index.ts';
import { MOSIP_FACE_FORMAT_TYPE } from '../engine/formats/cbeff.ts';
import { startAbisServer, type AbisResponse, type AbisServer } from '../api/abis/index.ts';
import { startIdService, type IdServiceHandle } from '../api/id-service/index.ts';
import { CLIENT as DATASHARE_CLIENT, startFakeDatashare, type FakeDatashare } from './fixtures/abis/datashare-server.ts';
import { call as idCall } from './fixtures/id-service/client.ts';
import { dataDir } from '../bench/data-dir.ts';

const FACES = path.join(dataDir(), 'face');
const ORL = path.join(FACES, 'orl');
const haveData = existsSync(path.join(ORL, 's1', '1.pgm'));
if (!haveData) console.warn(`face door tests skipped: no ORL faces at ${ORL} (set BIODEDUP_DATA)`);

const KEY = parseTemplateKey(generateTemplateKey());
const ABIS_TOKEN = 'test-abis-token-0123456789';
const OPERATOR = 'operator-token-0123456789';
const ID_CLIENT = 'client-token-0123456789';

const pgm = (person: number, image: number) => decodePgm(new Uint8Array(readFileSync(path.join(ORL, `s${person}`, `${image}.pgm`))));

/** An ISO/IEC 19794-5:2011 record of an ORL photo, lossy JPEG 2000 inside (as MOSIP captures). */
async function faceRecord(person: number, image: number): Promise<Uint8Array> {
  const g = pgm(person, image);
  const j2k = await encodeJpeg2000(g, { lossless: false, quality: 40 });
  return writeIso19794_5({
    format: 'iso19794-5', version: '2011', temporalSemantics: 0,
    representations: [{ ...faceRepresentation(j2k, 'jpeg2000', g.width, g.height), colourSpace: 3 }],
  });
}

/** A MOSIP-shaped CBEFF document: every finger an exception, one Face BIR. */
async function faceCbeff(person: number, image: number): Promise<string> {
  return writeCbeff([
    { type: 'Finger', subtype: 'Left Thumb', exception: true },
    { type: 'Face', formatType: MOSIP_FACE_FORMAT_TYPE, bdb: await faceRecord(person, image) },
  ]);
}

async function jpegBase64(person: number, image: number): Promise<string> {
  const g = pgm(person, image);
  return (await sharp(Buffer.from(g.pixels), { raw: { width: g.width, height: g.height, channels: 1 } }).jpeg({ quality: 90 }).toBuffer()).toString('base64');
}

const cleanup: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

let seq = 0;
const request = (id: string, extra: Record<string, unknown>): Record<string, unknown> => ({
  id, version: '1.1', requestId: `face-${process.pid}-${++seq}`, requesttime: new Date().toISOString(), ...extra,
});

describe.skipIf(!haveData)('face through the ABIS door (CBEFF Face BIR, ISO 19794-5 with JPEG 2000)', () => {
  let server: AbisServer;
  let datashare: FakeDatashare;
  const abis = async (body: unknown): Promise<AbisResponse> => {
    const res = await fetch(`http://127.0.0.1:${server.port}/abis`, {
      method: 'POST', headers: { authorization: `Bearer ${ABIS_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as AbisResponse;
  };

  beforeAll(async () => {
    datashare = await startFakeDatashare();
    const dir = mkdtempSync(path.join(tmpdir(), 'biodedup-face-abis-'));
    const engine = DedupEngine.open({ dataDir: dir, key: KEY, threads: 1 });
    server = await startAbisServer({
      engine, token: ABIS_TOKEN, dataDir: dir, intakeThreads: 1, // extraction in the intake worker pool
      datashare: { auth: { url: datashare.authUrl, ...DATASHARE_CLIENT }, timeoutMs: 30_000 },
    });
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }), () => datashare.close(), () => engine.close(), () => server.close());
  }, 60_000);

  it('inserts face-only records; another photo of A finds A, a photo of B does not, a stranger finds no one', async () => {
    // A = ORL person 1, B = person 2, four more enrolled people: 6 subjects in the gallery
    const enrolled: Array<[string, number]> = [['A-1', 1], ['B-1', 2], ['C-1', 3], ['D-1', 4], ['E-1', 5], ['F-1', 6]];
    for (const [referenceId, person] of enrolled) {
      const r = await abis(request('mosip.abis.insert', { referenceId, referenceURL: datashare.share(referenceId, await faceCbeff(person, 1)) }));
      expect(r.returnValue, `insert ${referenceId}: failureReason ${r.failureReason}`).toBe('1');
    }
    expect((await abis(request('mosip.abis.referenceCount', {}))).count).toBe('6');

    const identify = async (person: number, image: number) =>
      (await abis(request('mosip.abis.identify', { referenceURL: datashare.share(`probe-${person}-${image}`, await faceCbeff(person, image)), flags: { targetFPIR: '30' } }))).candidateList!;
    const a = await identify(1, 5);
    expect(a.candidates.map((c) => c.referenceId)).toEqual(['A-1']);
    expect(a.candidates[0].modalities).toEqual([{ biometricType: 'FID', analytics: { internalScore: expect.any(String), confidence: expect.any(String) } }]);
    const b = await identify(2, 5);
    expect(b.candidates.map((c) => c.referenceId)).not.toContain('A-1');
    expect(b.candidates.map((c) => c.referenceId)).toEqual(['B-1']);
    expect((await identify(30, 1)).candidates).toEqual([]);

    // identify by referenceId: the stored face is the probe
    const byRef = await abis(request('mosip.abis.identify', { referenceId: 'A-1', referenceURL: '' }));
    expect(byRef.returnValue).toBe('1');
    expect(byRef.candidateList!.count).toBe('0');
  }, 180_000);
});

describe.skipIf(!haveData)('face through the ID service (enrol, verify 1:1)', () => {
  let server: IdServiceHandle;

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'biodedup-face-id-'));
    const engine = DedupEngine.open({ dataDir: path.join(dir, 'engine'), key: KEY, threads: 1 });
    server = await startIdService({ engine, port: 0, operatorToken: OPERATOR, clientTokens: { c: ID_CLIENT }, dataDir: dir, captureThreads: 1 });
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }), () => engine.close(), () => server.close());
  }, 60_000);

  it('enrols an ISO 19794-5 face, verifies another photo of the person (match) and of someone else (no match)', async () => {
    const face = { format: 'iso19794-5', data: Buffer.from(await faceRecord(10, 1)).toString('base64') };
    const enrolled = await idCall(server.port, 'POST', '/enrol', { token: ID_CLIENT, body: { demographicsRef: 'face-10', biometrics: { face } } });
    expect(enrolled.status).toBe(201);
    const uin = enrolled.json.uin as string;
    const verify = async (person: number, image: number) =>
      idCall(server.port, 'POST', '/verify', { token: ID_CLIENT, body: { uin, biometrics: { face: { format: 'image', data: await jpegBase64(person, image) } } } });
    const genuine = await verify(10, 7);
    expect(genuine.status).toBe(200);
    expect(genuine.json).toEqual({ match: true, reason: 'MATCHED' });
    const impostor = await verify(11, 7);
    expect(impostor.json).toEqual({ match: false, reason: 'NOT_MATCHED' });

    // a second enrolment of the same face is held for adjudication (1:N dedup by face alone)
    const again = await idCall(server.port, 'POST', '/enrol', { token: ID_CLIENT, body: { demographicsRef: 'face-10b', biometrics: { face: { format: 'image', data: await jpegBase64(10, 3) } } } });
    expect(again.status).toBe(202);
    // typed errors: a record that is not 19794-5, a photo without a face
    const bad = await idCall(server.port, 'POST', '/verify', { token: ID_CLIENT, body: { uin, biometrics: { face: { format: 'iso19794-5', data: await jpegBase64(10, 2) } } } });
    expect([bad.status, bad.json.error.code]).toEqual([422, 'ERR_RECORD_FORMAT']);
    const blank = (await sharp({ create: { width: 200, height: 200, channels: 3, background: { r: 128, g: 128, b: 128 } } }).jpeg().toBuffer()).toString('base64');
    const noFace = await idCall(server.port, 'POST', '/verify', { token: ID_CLIENT, body: { uin, biometrics: { face: { format: 'image', data: blank } } } });
    expect(noFace.status).toBe(422);
    expect(noFace.json.error.code).toMatch(/^ERR_FACE_/);
  }, 180_000);
});
