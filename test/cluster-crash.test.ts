/**
 * Crash behaviour of the cluster with real nats-server and engine-node processes (no mock):
 * kill -9 of one node during a stream of inserts and identifies (every acknowledged insert
 * present, identifies keep answering from the replicas, none wrongly "no duplicate", the node
 * restarts and catches up from its recorded position), then a nats-server kill and restart
 * mid-stream (nothing acknowledged lost, nothing applied twice).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ClusterClient, generateTemplateKey, parseTemplateKey, type Subject } from '../engine/index.ts';
import { natsServerPath, startNatsServers, type NatsCluster } from '../engine/cluster/local-nats.ts';
import { clusterProbe, clusterReferenceId, clusterSubject } from './support/cluster-subjects.ts';
import { killNode, replicaCounts, spawnNode, type NodeProcess } from '../engine/cluster/local-nodes.ts';

const KEY_HEX = generateTemplateKey();
const KEY = parseTemplateKey(KEY_HEX);
const SHARDS = 6;
const NODE_ARGS = ['--shards', String(SHARDS), '--initial-nodes', '3', '--heartbeat-ms', '200', '--lease-ms', '1500', '--reassign-after-ms', '120000', '--prefilter', '0'];
if (natsServerPath === null) console.warn('cluster crash tests skipped: nats-server is not installed (apt-get install nats-server)');

describe.skipIf(natsServerPath === null)('cluster crash safety', () => {
  let dir: string;
  let nats: NatsCluster;
  const nodes = new Map<string, NodeProcess>();
  let client: ClusterClient;
  const subjects: Subject[] = Array.from({ length: 260 }, (_, i) => clusterSubject(i));
  const acked = new Set<string>();
  let tally = { identifies: 0, wrongNoDuplicate: 0, errors: new Map<string, number>(), messages: [] as string[] };

  const start = (id: string): NodeProcess => {
    const p = spawnNode(id, path.join(dir, id), nats.urls, KEY_HEX, NODE_ARGS);
    nodes.set(id, p);
    return p;
  };

  /** Inserts subjects [from, to) three at a time, retrying a failed publish with the same requestId. */
  const insertRange = async (from: number, to: number, onAck?: (n: number) => Promise<void> | void): Promise<void> => {
    let next = from;
    await Promise.all([0, 1, 2].map(async () => {
      while (next < to) {
        const i = next++;
        for (let attempt = 0; ; attempt++) {
          try {
            await client.insert(subjects[i], { requestId: `req-${i}` });
            acked.add(subjects[i].referenceId);
            await onAck?.(acked.size);
            break;
          } catch (e) {
            if (attempt >= 40) throw e;
            await new Promise((r) => setTimeout(r, 250));
          }
        }
      }
    }));
  };

  /** Identifies acknowledged subjects' mates until `stop` resolves. */
  const identifyLoop = async (stop: Promise<void>): Promise<void> => {
    let done = false;
    void stop.then(() => { done = true; });
    let n = 0;
    while (!done) {
      const ids = [...acked];
      if (ids.length === 0) { await new Promise((r) => setTimeout(r, 20)); continue; }
      const id = ids[(n++ * 7919) % ids.length];
      try {
        const r = await client.identify(clusterProbe(Number(id.slice(3)), 1), { mode: 'exhaustive', maxResults: 3 });
        tally.identifies++;
        if (!r.candidates.some((c) => c.referenceId === id)) tally.wrongNoDuplicate++;
      } catch (e) {
        const code = (e as { code?: string }).code ?? 'other';
        tally.errors.set(code, (tally.errors.get(code) ?? 0) + 1);
        tally.messages.push(`${new Date().toISOString()} ${(e as Error).message}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };

  /** Per shard: the stream's record count must equal every serving replica's subject count (no delete in these tests). */
  const checkReplicas = async (): Promise<void> => {
    const stream = await client.jetstream.streams.get('BIODEDUP_LOG').then((s) => s.info(false, { subjects_filter: '>' }));
    const perSubject = stream.state.subjects ?? {};
    expect(stream.state.messages).toBe(acked.size); // one record per acknowledged insert: none stored twice, none lost
    for (const { nodeId, serving } of client.liveNodes()) {
      const log = await client.jetstream.streams.get('BIODEDUP_LOG');
      const lastSeq = await Promise.all(serving.map((shard) => log.getMessage({ last_by_subj: `biodedup.log.${shard}` }).then((m) => m?.seq ?? 0, () => 0)));
      const counts = await replicaCounts(nats.urls, nodeId, serving, lastSeq);
      for (const shard of serving) expect(counts.get(shard), `node ${nodeId} shard ${shard}`).toBe(perSubject[`biodedup.log.${shard}`] ?? 0);
    }
    for (const id of acked) expect(await client.subject(id), id).toBeDefined();
    expect(await client.count()).toBe(acked.size);
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'biodedup-cluster-crash-'));
    nats = await startNatsServers(dir, 1);
    await Promise.all(['a', 'b', 'c'].map((id) => start(id).ready));
    client = await ClusterClient.connect({ servers: nats.urls, key: KEY, leaseMs: 1500, requestTimeoutMs: 30_000 });
    await client.waitUntilServed(30_000, 2);
    // warm-up: a replica's first scan waits for its pool worker to finish starting (seconds here,
    // with twelve workers starting on two cores); that is not what the test measures
    await insertRange(0, 20);
    await client.identify(clusterProbe(0, 1), { mode: 'exhaustive' });
  }, 120_000); // three node processes with four engines each start in ~15 s on two idle cores; more on a busy machine

  afterAll(async () => {
    await client?.close();
    await Promise.all([...nodes.values()].map((p) => killNode(p, 'SIGTERM')));
    await nats?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('kill -9 of a node: acknowledged inserts kept, identifies answered by replicas, the node catches up', async () => {
    tally = { identifies: 0, wrongNoDuplicate: 0, errors: new Map(), messages: [] };
    let stopIdentifies!: () => void;
    const identifies = identifyLoop(new Promise((r) => { stopIdentifies = r; }));
    let killed: Promise<void> | undefined;
    await insertRange(20, 140, (n) => { if (n === 50) killed = killNode(nodes.get('b')!, 'SIGKILL'); });
    await killed;
    tally.messages.push(`killed at ${new Date().toISOString()}`);
    const atKill = tally.identifies;
    // identifies go on while the dead node's lease runs out and after (the replicas answer)
    while (tally.identifies - atKill < 40) await new Promise((r) => setTimeout(r, 50));
    const afterKill = tally.identifies - atKill;
    tally.messages.push(`restart at ${new Date().toISOString()}`);
    const b = start('b');
    await b.ready;
    await client.waitUntilServed(30_000, 2);
    stopIdentifies();
    await identifies;
    // the restarted node resumed its shards from the positions its LMDB recorded, not from zero
    const resumed = b.lines.filter((l) => /serving from stream sequence [1-9]/.test(l));
    expect(resumed.length, b.lines.join('\n')).toBeGreaterThan(0);
    expect(afterKill).toBeGreaterThanOrEqual(40);
    expect(tally.wrongNoDuplicate).toBe(0);
    expect([...tally.errors.keys()], tally.messages.join('\n')).toEqual([]); // the replicas answered every identify
    await checkReplicas();
  }, 90_000);

  it('nats-server killed and restarted mid-stream: nothing acknowledged lost or applied twice', async () => {
    tally = { identifies: 0, wrongNoDuplicate: 0, errors: new Map(), messages: [] };
    let stopIdentifies!: () => void;
    const identifies = identifyLoop(new Promise((r) => { stopIdentifies = r; }));
    let restarted: Promise<void> | undefined;
    await insertRange(140, 260, (n) => {
      if (n === 170) restarted = (async () => {
        await nats.servers[0].stop('SIGKILL');
        await new Promise((r) => setTimeout(r, 1000));
        await nats.servers[0].restart();
      })();
    });
    await restarted;
    await client.waitUntilServed(30_000, 2);
    stopIdentifies();
    await identifies;
    expect(acked.size).toBe(260);
    expect(tally.wrongNoDuplicate).toBe(0);
    await checkReplicas();
    expect(clusterReferenceId(259)).toBe(subjects[259].referenceId);
  }, 90_000);
});
