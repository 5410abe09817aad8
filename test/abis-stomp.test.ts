/**
 * The ABIS door through an ActiveMQ queue pair over STOMP (api/abis/transport-stomp.ts), with a
 * real broker started from the project's config (api/abis/activemq/start-broker.sh; Debian
 * package `activemq`) and a STOMP client playing MOSIP's registration processor: insert two
 * records of one person and one of another, identify → exactly the duplicate; a non-JSON
 * message gets failure 4; a TextMessage request (SEND without content-length, MOSIP's default
 * `activemq.message.format=text`) is answered as a TextMessage and a BytesMessage (the CTK's
 * stompjs) as a BytesMessage; the CTK's 32 cases over the queue pair; and a broker SIGKILL +
 * restart mid-stream loses no request and answers none twice. The ABIS side is configured with
 * MOSIP's bare queue names (mapped to /queue/… for ActiveMQ Classic). Skipped, saying what is missing, without the broker package or the npm
 * packages @stomp/stompjs + @stomp/tcp-wrapper (BIODEDUP_STOMP_MODULES may name a
 * node_modules folder holding them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DedupEngine, generateTemplateKey, parseTemplateKey } from '../engine/index.ts';
import {
  PartnerKeyring, abisConfigFromEnv, isTextMessage, pemPartnerKey, startAbisServer, stompDestination, type AbisResponse, type AbisServer, type StompClient, type StompMessage, type StompTransportOptions,
} from '../api/abis/index.ts';
import { CLIENT, startFakeDatashare, type FakeDatashare } from './fixtures/abis/datashare-server.ts';
import { personCbeff, syntheticPersons } from './fixtures/abis/records.ts';
import { CTK_CASES, type CtkContext } from './fixtures/abis/ctk-cases.ts';
import { makePartner, mosipEncrypt, opensslAvailable } from './fixtures/abis/mosip-encrypt.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const BROKER_SCRIPT = path.join(ROOT, 'api/abis/activemq/start-broker.sh');
const HAS_BROKER = existsSync('/usr/share/activemq/bin/activemq.jar');
const KEY = parseTemplateKey(generateTemplateKey());
const REQUESTS = '/queue/mosip-to-abis';
const RESPONSES = '/queue/abis-to-mosip';

type StompModules = { Client: new (config: Record<string, unknown>) => StompClient; TCPWrapper: new (host: string, port: number) => unknown };
async function loadStomp(): Promise<StompModules | undefined> {
  const dir = process.env.BIODEDUP_STOMP_MODULES;
  const specifiers: [string, string][] = [['@stomp/stompjs', '@stomp/tcp-wrapper']];
  if (dir) specifiers.push([pathToFileURL(path.join(dir, '@stomp/stompjs/esm6/index.js')).href, pathToFileURL(path.join(dir, '@stomp/tcp-wrapper/esm6/index.js')).href]);
  for (const [s, t] of specifiers) {
    try {
      const stomp = (await import(s)) as { Client: StompModules['Client'] };
      const tcp = (await import(t)) as { TCPWrapper: StompModules['TCPWrapper'] };
      return { Client: stomp.Client, TCPWrapper: tcp.TCPWrapper };
    } catch {
      // try the next place
    }
  }
  return undefined;
}
const stomp = await loadStomp();
const missing = [
  !HAS_BROKER && 'the Debian package activemq', !stomp && 'the npm packages @stomp/stompjs and @stomp/tcp-wrapper', !opensslAvailable() && 'the openssl command line',
].filter(Boolean);
if (missing.length > 0) console.log(`skipping the ActiveMQ (STOMP) end-to-end tests: missing ${missing.join(' and ')}`);

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function startBroker(dataDir: string, port: number): number {
  const out = execFileSync('bash', [BROKER_SCRIPT, dataDir], { env: { ...process.env, ABIS_STOMP_PORT: String(port) }, encoding: 'utf8', timeout: 90_000 });
  return Number(out.trim().split('\n').pop());
}

function killBroker(pid: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  try {
    process.kill(pid, signal);
  } catch {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      try {
        process.kill(pid, 0);
      } catch {
        clearInterval(poll);
        resolve();
      }
    }, 50);
  });
}

interface Received { messageIds: Set<string>; response: AbisResponse; asText: boolean }

/**
 * MOSIP's side of the queue pair: sends requests (as a JMS TextMessage — no content-length — or
 * a BytesMessage), collects responses by requestId, deduplicated by message-id, noting their type.
 */
function mosipSide(port: number): {
  client: StompClient; ready: Promise<void>; send(body: unknown, o?: { text?: boolean }): void; responses: Map<string, Received>;
  waitFor(ids: string[], ms?: number): Promise<void>; take(id: string, ms?: number): Promise<Received>;
} {
  const client = new stomp!.Client({
    webSocketFactory: () => new stomp!.TCPWrapper('127.0.0.1', port), connectHeaders: { host: 'localhost' }, reconnectDelay: 200,
    heartbeatIncoming: 0, heartbeatOutgoing: 0, debug: () => undefined,
  });
  const responses = new Map<string, Received>();
  let resolveReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (resolveReady = r));
  client.onConnect = () => {
    client.subscribe(RESPONSES, (m: StompMessage) => {
      const response = JSON.parse(new TextDecoder().decode(m.binaryBody)) as AbisResponse;
      const key = response.requestId;
      const entry = responses.get(key) ?? { messageIds: new Set<string>(), response, asText: m.headers['content-length'] === undefined };
      entry.messageIds.add(m.headers['message-id']);
      responses.set(key, entry);
      m.ack();
    }, { ack: 'client-individual' });
    resolveReady();
  };
  client.onStompError = () => undefined;
  client.onWebSocketClose = () => undefined;
  client.activate();
  const waitFor = async (ids: string[], ms = 30_000): Promise<void> => {
    const deadline = Date.now() + ms;
    while (!ids.every((id) => responses.has(id)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  };
  return {
    client, ready, responses, waitFor,
    send: (body, o = {}) => client.publish({
      destination: REQUESTS, body: typeof body === 'string' ? body : JSON.stringify(body), headers: { persistent: 'true' }, skipContentLengthHeader: o.text === true,
    }),
    async take(id, ms = 30_000) {
      await waitFor([id], ms);
      const entry = responses.get(id);
      if (entry === undefined) throw new Error(`no response for requestId "${id}" within ${ms} ms`);
      responses.delete(id);
      return entry;
    },
  };
}

let seq = 0;
const base = (id: string, extra: Record<string, unknown> = {}): Record<string, unknown> & { requestId: string } => ({
  id, version: '1.1', requestId: `stomp-${process.pid}-${++seq}`, requesttime: new Date().toISOString(), ...extra,
});

describe.skipIf(missing.length > 0)('ABIS API over an ActiveMQ queue pair (STOMP)', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  let ds: FakeDatashare;
  let brokerDir: string;
  let brokerPort: number;
  let brokerPid: number;
  let engine: DedupEngine;
  let server: AbisServer;
  let mosip: ReturnType<typeof mosipSide>;
  let other: ReturnType<typeof makePartner>;
  let keyDir: string;
  const persons = syntheticPersons(3, 99);

  beforeAll(async () => {
    ds = await startFakeDatashare();
    const dir = mkdtempSync(path.join(tmpdir(), 'biodedup-abis-stomp-'));
    brokerDir = path.join(dir, 'broker');
    brokerPort = await freePort();
    brokerPid = startBroker(brokerDir, brokerPort);
    cleanup.push(async () => {
      await killBroker(brokerPid, 'SIGTERM');
      await ds.close();
      rmSync(dir, { recursive: true, force: true });
    });
    engine = DedupEngine.open({ dataDir: path.join(dir, 'engine'), key: KEY, threads: 1 });
    const ours = makePartner(dir, 'abis-partner');
    other = makePartner(dir, 'other-partner');
    keyDir = dir;
    const connect = async (o: StompTransportOptions): Promise<StompClient> => new stomp!.Client({
      webSocketFactory: () => new stomp!.TCPWrapper(o.host, o.port), connectHeaders: { host: 'localhost' }, reconnectDelay: 200,
      heartbeatIncoming: 0, heartbeatOutgoing: 0, debug: () => undefined,
    });
    server = await startAbisServer({
      engine, token: 'stomp-test-token-0123456789', dataDir: path.join(dir, 'engine'),
      datashare: { auth: { url: ds.authUrl, ...CLIENT }, timeoutMs: 5000 },
      // MOSIP's bare JMS names: the transport maps them to /queue/… for ActiveMQ Classic
      stomp: { host: '127.0.0.1', port: brokerPort, requestQueue: 'mosip-to-abis', responseQueue: 'abis-to-mosip', broker: 'classic', reconnectDelayMs: 200, connect },
      keyring: new PartnerKeyring([pemPartnerKey(ours.keyFile, ours.certFile)]),
    });
    cleanup.push(async () => {
      await server.close();
      await engine.close();
    });
    await server.stomp!.ready;
    mosip = mosipSide(brokerPort);
    cleanup.push(() => mosip.client.deactivate());
    await mosip.ready;
  }, 120_000);

  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('inserts two records of one person and one of another; identify finds exactly the duplicate', async () => {
    const inserts = [['A-1', persons.record(0, 1)], ['A-2', persons.record(0, 2)], ['B-1', persons.record(1, 1)]].map(([referenceId, records]) =>
      base('mosip.abis.insert', { referenceId, referenceURL: ds.share(`q-${String(referenceId)}`, personCbeff(records as ReturnType<typeof persons.record>)) }));
    const identify = base('mosip.abis.identify', { referenceId: 'A-1', referenceURL: '' });
    for (const r of [...inserts, identify]) mosip.send(r); // identify queued behind the inserts
    await mosip.waitFor([...inserts, identify].map((r) => r.requestId));
    for (const r of inserts) expect(mosip.responses.get(r.requestId)!.response.returnValue).toBe('1');
    const found = mosip.responses.get(identify.requestId)!.response;
    expect(found.candidateList!.candidates.map((c) => c.referenceId)).toEqual(['A-2']);
    expect(found.candidateList!.count).toBe('1');

    const bad = base('mosip.abis.insert', { referenceId: 'A-1', referenceURL: ds.share('dup', personCbeff(persons.record(0, 1))) });
    const expired = base('mosip.abis.insert', { referenceId: 'E-1', referenceURL: ds.share('expired', 'expired') });
    mosip.send(bad);
    mosip.send(expired);
    mosip.send('this is not json');
    await mosip.waitFor([bad.requestId, expired.requestId, '']);
    expect(mosip.responses.get(bad.requestId)!.response.failureReason).toBe('10');
    expect(mosip.responses.get(expired.requestId)!.response.failureReason).toBe('17');
    expect((await mosip.take('')).response).toMatchObject({ returnValue: '2', failureReason: '4', requestId: '', id: '' });
  });

  it('answers a TextMessage request as a TextMessage and a BytesMessage request as a BytesMessage', async () => {
    // MOSIP's registration processor with activemq.message.format=text: a SEND without content-length
    const text = base('mosip.abis.insert', { referenceId: 'T-1', referenceURL: ds.share('t1', personCbeff(persons.record(2, 1))) });
    mosip.send(text, { text: true });
    const asText = await mosip.take(text.requestId);
    expect(asText.asText).toBe(true);
    expect(asText.response).toMatchObject({ requestId: text.requestId, returnValue: '1' });
    // the CTK (stompjs adds content-length): a BytesMessage
    const bytes = base('mosip.abis.identify', { referenceId: 'T-1', referenceUrl: '', flags: { maxResults: '30', targetFPIR: '30' }, gallery: null });
    mosip.send(bytes);
    const asBytes = await mosip.take(bytes.requestId);
    expect(asBytes.asText).toBe(false);
    expect(asBytes.response).toMatchObject({ requestId: bytes.requestId, returnValue: '1' });
    // the processor's identify shape (referenceUrl "", flags as strings, gallery null) as text too
    const textIdentify = base('mosip.abis.identify', { referenceId: 'T-1', referenceUrl: '', flags: { maxResults: '30', targetFPIR: '30' }, gallery: null });
    mosip.send(textIdentify, { text: true });
    const r = await mosip.take(textIdentify.requestId);
    expect(r.asText).toBe(true);
    expect(r.response.candidateList).toBeDefined();
  });

  describe('the CTK\'s 32 ABIS cases over the queue pair (BytesMessages, as the CTK sends them)', () => {
    const context = (): CtkContext => ({
      ds, prefix: 'Q-',
      encryptedForOtherPartner: (cbeff) => mosipEncrypt(cbeff, other, keyDir),
      async send(body) {
        const id = typeof body.requestId === 'string' ? body.requestId : '';
        mosip.send(body);
        const received = await mosip.take(id);
        expect(received.asText).toBe(false);
        return received.response;
      },
    });
    for (const c of CTK_CASES) {
      it(`${c.id}${c.inactive ? ' (inactive in the CTK)' : ''}: ${c.title}`, () => c.run(context()), 30_000);
    }
  });

  it('loses no request and answers none twice when the broker is killed and restarted mid-stream', async () => {
    const countBefore = engine.count();
    const requests = Array.from({ length: 6 }, (_, i) => base('mosip.abis.insert', {
      referenceId: `R-${i}`, referenceURL: ds.share(`rr${i}`, { delayMs: 200 + 100 * i, content: personCbeff(persons.record(i % 3, 3)) }),
    }));
    // R-0..R-2 reuse persons already enrolled, under new referenceIds: inserts never dedup
    for (const r of requests) mosip.send(r);
    await new Promise((r) => setTimeout(r, 350)); // some jobs done, some running, some queued
    const beforeKill = requests.filter((r) => mosip.responses.has(r.requestId)).length;
    await killBroker(brokerPid);
    await new Promise((r) => setTimeout(r, 500)); // jobs finish while the broker is down
    brokerPid = startBroker(brokerDir, brokerPort);
    await mosip.waitFor(requests.map((r) => r.requestId), 60_000);
    await new Promise((r) => setTimeout(r, 1000)); // room for a duplicate to show up
    for (const r of requests) {
      const entry = mosip.responses.get(r.requestId);
      expect(entry, r.requestId).toBeDefined();
      expect(entry!.response.returnValue).toBe('1');
      expect(entry!.messageIds.size, `${r.requestId} answered ${entry!.messageIds.size} times`).toBe(1);
    }
    expect(engine.count()).toBe(countBefore + 6);
    expect(beforeKill).toBeLessThan(6);
    console.log(`broker restart: ${beforeKill} of 6 answered before SIGKILL; all 6 answered once after restart (${server.metrics.replays} from the log)`);
  }, 120_000);
});

describe('STOMP destinations and message types (no broker needed)', () => {
  it('maps MOSIP\'s queue names by the broker\'s rule, and reads the JMS type from content-length', () => {
    expect(stompDestination('mosip-to-abis')).toBe('/queue/mosip-to-abis');
    expect(stompDestination('mosip-to-abis', 'artemis')).toBe('mosip-to-abis');
    expect(stompDestination('/queue/custom', 'artemis')).toBe('/queue/custom');
    expect(isTextMessage({ headers: { 'message-id': 'x' } })).toBe(true);
    expect(isTextMessage({ headers: { 'message-id': 'x', 'content-length': '12' } })).toBe(false);
    const env = { DATA_DIR: '/tmp/x', ABIS_TOKEN: 'x'.repeat(20), ABIS_STOMP_PORT: '61616' };
    expect(abisConfigFromEnv(env).stomp).toMatchObject({ broker: 'classic', requestQueue: 'mosip-to-abis', responseQueue: 'abis-to-mosip' });
    expect(abisConfigFromEnv({ ...env, ABIS_STOMP_BROKER: 'artemis' }).stomp).toMatchObject({ broker: 'artemis' });
    expect(() => abisConfigFromEnv({ ...env, ABIS_STOMP_BROKER: 'rabbit' })).toThrow(/^ABIS_STOMP_BROKER/);
  });
});
