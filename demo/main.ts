/**
 * `npm run demo`: the ABIS door beside a tiny local datashare with MOSIP's token flow, serving
 * sample CBEFF records made at start from generated data (never real people), and copy-paste
 * `curl` lines for every ABIS request. `npm run demo -- --self-test` sends those requests itself,
 * prints each answer, and exits 0 only when every one is what the demo says it should be.
 *
 * Options: --port N (ABIS door, default 8190), --datashare-port N (default 8197), --self-test.
 * Data lives in a fresh `.biodedup-demo` folder (DEMO_DATA_DIR overrides), removed at start.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DedupEngine, generateTemplateKey, parseTemplateKey } from '../engine/index.ts';
import { startAbisServer, type AbisResponse } from '../api/abis/index.ts';
import { startDemoDatashare } from './datashare.ts';
import { samplePeople } from './samples.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  const v = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 0 || v > 65535) {
    process.stderr.write(`${name} must be a port number\n`);
    process.exit(2);
  }
  return v;
};
const selfTest = args.includes('--self-test');
const abisPort = option('--port', selfTest ? 0 : 8190);
const datasharePort = option('--datashare-port', selfTest ? 0 : 8197);

const dataDir = path.resolve(process.env.DEMO_DATA_DIR ?? '.biodedup-demo');
rmSync(dataDir, { recursive: true, force: true });
mkdirSync(path.join(dataDir, 'samples'), { recursive: true, mode: 0o700 });

const credentials = { appId: 'regproc', clientId: 'mosip-abis-client', secretKey: randomBytes(12).toString('base64url') };
const datashare = await startDemoDatashare(credentials, datasharePort);
const people = samplePeople(2);
const samples = { 'A-1': people.record(0, 1), 'A-2': people.record(0, 2), 'B-1': people.record(1, 1) } as const;
const urls: Record<string, string> = {};
for (const [referenceId, cbeff] of Object.entries(samples)) {
  urls[referenceId] = datashare.publish(`cbeff-${referenceId}`, cbeff);
  writeFileSync(path.join(dataDir, 'samples', `${referenceId}.xml`), cbeff);
}

const token = randomBytes(18).toString('base64url');
const engine = DedupEngine.open({ dataDir, key: parseTemplateKey(generateTemplateKey()), threads: 1 });
const server = await startAbisServer({
  engine, token, dataDir, port: abisPort, intakeThreads: 1,
  datashare: { auth: { url: datashare.authUrl, ...credentials }, allowedOrigins: [datashare.base] },
});
const endpoint = `http://127.0.0.1:${server.port}/abis`;

const now = (): string => new Date().toISOString();
const requests: { title: string; body: Record<string, unknown>; expect: (r: AbisResponse) => boolean }[] = [
  ...(['A-1', 'A-2', 'B-1'] as const).map((ref) => ({
    title: `insert ${ref} (${ref.startsWith('A') ? 'person A' : 'person B'})`,
    body: { id: 'mosip.abis.insert', version: '1.1', requestId: `demo-insert-${ref}`, requesttime: now(), referenceId: ref, referenceURL: urls[ref] },
    expect: (r: AbisResponse) => r.returnValue === '1',
  })),
  {
    title: 'identify A-1 against the whole database: finds A-2 (the same person), not B-1',
    body: { id: 'mosip.abis.identify', version: '1.1', requestId: 'demo-identify-1', requesttime: now(), referenceId: 'A-1', referenceUrl: '', flags: { maxResults: '10', targetFPIR: '30' }, gallery: null },
    expect: (r) => r.candidateList?.candidates.map((c) => c.referenceId).join() === 'A-2',
  },
  { title: 'ping', body: { id: 'mosip.abis.ping', version: '1.1', requestId: 'demo-ping-1', requesttime: now() }, expect: (r) => r.returnValue === '1' },
  { title: 'pendingJobs', body: { id: 'mosip.abis.pendingJobs', version: '1.1', requestId: 'demo-pending-1', requesttime: now() }, expect: (r) => r.jobscount === '0' },
  { title: 'referenceCount', body: { id: 'mosip.abis.referenceCount', version: '1.1', requestId: 'demo-count-1', requesttime: now() }, expect: (r) => r.count === '3' },
  { title: 'delete B-1', body: { id: 'mosip.abis.delete', version: '1.1', requestId: 'demo-delete-B-1', requesttime: now(), referenceId: 'B-1' }, expect: (r) => r.returnValue === '1' },
  { title: 'referenceCount again', body: { id: 'mosip.abis.referenceCount', version: '1.1', requestId: 'demo-count-2', requesttime: now() }, expect: (r) => r.count === '2' },
];

const stop = async (code: number): Promise<never> => {
  await server.close();
  await engine.close();
  await datashare.close();
  process.exit(code);
};

if (selfTest) {
  let failed = 0;
  for (const r of requests) {
    const res = await fetch(endpoint, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify(r.body) });
    const answer = (await res.json()) as AbisResponse;
    const ok = res.status === 200 && r.expect(answer);
    if (!ok) failed++;
    process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${r.title}\n     ${JSON.stringify(answer)}\n`);
  }
  process.stdout.write(`${requests.length - failed} of ${requests.length} demo requests answered as expected\n`);
  await stop(failed === 0 ? 0 : 1);
}

const quote = (body: Record<string, unknown>): string => JSON.stringify(body).replace(/'/g, `'\\''`);
const lines = [
  `biodedup ABIS demo — data in ${dataDir} (fresh each run), sample CBEFF files in ${path.join(dataDir, 'samples')}`,
  `  ABIS door:  ${endpoint}  (bearer token below; MOSIP ABIS API v0.9 JSON)`,
  `  datashare:  ${datashare.base}  (MOSIP token flow: the ABIS logs in at ${datashare.authUrl} and sends the Authorization cookie)`,
  '',
  'Copy and paste, in order (each line is one MOSIP request; sending a line twice returns the logged answer — same requestId, same request):',
  '',
  `TOKEN=${token}`,
  '',
  ...requests.flatMap((r) => [`# ${r.title}`, `curl -s ${endpoint} -H "Authorization: Bearer $TOKEN" -d '${quote(r.body)}'; echo`, '']),
  'Ctrl-C stops the demo.',
];
process.stdout.write(`${lines.join('\n')}\n`);
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
