/**
 * The engine as a cluster on real nats-server processes (no mock): three in-process nodes over
 * JetStream answer identify exactly as one DedupEngine on the same gallery; a requestId
 * published twice is applied once; a shard with no live replica is an error, never a partial
 * "no duplicate".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ClusterClient, ClusterNode, DedupEngine, FACE_TEMPLATE_VERSION, generateTemplateKey, parseTemplateKey, ShardUnavailableError, type Probe, type Subject } from '../engine/index.ts';
import { natsServerPath, startNatsServers, type NatsCluster } from '../engine/cluster/local-nats.ts';
import { clusterSubject, clusterProbe, clusterFace } from './support/cluster-subjects.ts';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { shardOf } from '../engine/cluster/shard-hash.ts';
import { JetStreamJobLog } from '../api/abis/index.ts';

const KEY = parseTemplateKey(generateTemplateKey());
// nodes share this process's event loop with the test: a lease of many beats tolerates its pauses
const TIMING = { heartbeatMs: 200, leaseMs: 3000, reassignAfterMs: 60_000 };
const SUBJECTS = 240;
if (natsServerPath === null) console.warn('cluster tests skipped: nats-server is not installed (apt-get install nats-server)');

describe.skipIf(natsServerPath === null)('cluster on NATS JetStream', () => {
  let dir: string;
  let nats: NatsCluster;
  let nodes: ClusterNode[] = [];
  let client: ClusterClient;
  let single: DedupEngine;

  beforeAll(async () => {
    const subjects = Array.from({ length: SUBJECTS }, (_, i) => clusterSubject(i)); // templates made before the nodes run
    dir = mkdtempSync(path.join(tmpdir(), 'biodedup-cluster-'));
    nats = await startNatsServers(dir, 1);
    nodes = await Promise.all(['a', 'b', 'c'].map((id) => ClusterNode.start({
      servers: nats.urls, nodeId: id, dataDir: path.join(dir, id), key: KEY, shards: 6, timing: TIMING, initialNodes: 3,
    })));
    client = await ClusterClient.connect({ servers: nats.urls, key: KEY, leaseMs: TIMING.leaseMs, requestTimeoutMs: 20_000 });
    await client.waitUntilServed(30_000, 2);
    single = DedupEngine.open({ dataDir: path.join(dir, 'single'), key: KEY, threads: 1 });
    for (let i = 0; i < SUBJECTS; i += 40) {
      const batch = subjects.slice(i, i + 40);
      await Promise.all(batch.map((s) => client.insert(s, { requestId: `req-insert-${s.referenceId}` })));
      await Promise.all(batch.map((s) => single.insert(s)));
    }
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await Promise.all(nodes.map((n) => n.close()));
    await single?.close();
    await nats?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('places every shard on two nodes, each node on a share of them', () => {
    const counts = nodes.map((n) => n.serving().length);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(12);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  });

  it('identify on three nodes gives the same candidates and scores as one engine', async () => {
    expect(await client.count()).toBe(SUBJECTS);
    let withCandidates = 0;
    for (let i = 0; i < 24; i++) {
      const probe: Probe = clusterProbe(i * 7 % SUBJECTS, i);
      for (const options of [{ mode: 'exhaustive' as const }, { mode: 'exhaustive' as const, targetFPIR: 10, maxResults: 5 }]) {
        const [got, want] = await Promise.all([client.identify(probe, options), single.identify(probe, options)]);
        expect(got.gallerySize).toBe(want.gallerySize);
        expect(got.threshold).toBe(want.threshold);
        expect(got.candidates).toEqual(want.candidates);
        expect(got.comparisons).toBe(want.comparisons);
        if (want.candidates.length > 0) withCandidates++;
      }
    }
    expect(withCandidates).toBeGreaterThan(20); // the comparison is not between two empty lists
    const restricted = { referenceIds: ['cl-0000003', 'cl-0000010', 'cl-0000011', 'absent'], mode: 'exhaustive' as const, targetFPIR: 0 };
    const [got, want] = await Promise.all([client.identify(clusterProbe(10, 1), restricted), single.identify(clusterProbe(10, 1), restricted)]);
    const { stages: _stages, ...wanted } = want; // one engine's own timings; a cluster answer merges several
    expect(got).toEqual(wanted);
    const s = await client.subject('cl-0000005');
    expect(Buffer.from(s!.fingers[2]!.bytes).equals(Buffer.from(clusterSubject(5).fingers![2]!.bytes))).toBe(true);
    expect((await client.verify('cl-0000005', clusterProbe(5, 3))).score).toBe((await single.verify('cl-0000005', clusterProbe(5, 3))).score);
  }, 60_000);

  it('reads its writes: an identify right after an acknowledged insert finds it', async () => {
    const s = clusterSubject(900);
    expect((await client.insert(s, { requestId: 'req-ryw' })).status).toBe('inserted');
    const r = await client.identify(clusterProbe(900, 2), { mode: 'exhaustive' });
    expect(r.candidates[0]?.referenceId).toBe('cl-0000900');
    expect((await client.delete('cl-0000900', { requestId: 'req-ryw-delete' })).deleted).toBe(true);
    expect(await client.subject('cl-0000900')).toBeUndefined();
  });

  it('reads writes acknowledged through another door: an answer reflects each shard\'s log head', async () => {
    const otherDoor = await ClusterClient.connect({ servers: nats.urls, key: KEY, leaseMs: TIMING.leaseMs, requestTimeoutMs: 20_000 });
    try {
      const burst = Array.from({ length: 60 }, (_, i) => clusterSubject(1000 + i)); // templates made before the clock runs
      for (let round = 0; round < 3; round++) {
        const batch = burst.slice(round * 20, round * 20 + 20);
        // a backlog for the replicas to apply, all acknowledged by JetStream through the first door
        await Promise.all(batch.map((s) => client.insert(s, { requestId: `req-cross-${s.referenceId}` })));
        const last = batch[batch.length - 1];
        const r = await otherDoor.identify(clusterProbe(1000 + round * 20 + 19, 2), { mode: 'exhaustive' });
        expect(r.candidates[0]?.referenceId).toBe(last.referenceId);
        expect(await otherDoor.count()).toBe(SUBJECTS + round * 20 + 20);
      }
      for (const s of burst) await client.delete(s.referenceId, { requestId: `req-cross-delete-${s.referenceId}` });
      expect(await otherDoor.subject(burst[0].referenceId)).toBeUndefined();
    } finally {
      await otherDoor.close();
    }
  });

  it('faces: face-only and face+finger subjects, face probes answer as one engine does', async () => {
    const face = (person: number, noise = 0) => ({ modality: 'face', version: FACE_TEMPLATE_VERSION, bytes: clusterFace(person, noise) }) as const;
    const enrolled: Subject[] = [
      ...Array.from({ length: 12 }, (_, p) => ({ referenceId: `cf-only-${p}`, face: face(p) })),
      ...Array.from({ length: 12 }, (_, p) => ({ ...clusterSubject(2000 + p), referenceId: `cf-both-${p}`, face: face(100 + p) })),
    ];
    await Promise.all(enrolled.map((s) => client.insert(s, { requestId: `req-face-${s.referenceId}` })));
    await Promise.all(enrolled.map((s) => single.insert(s)));
    const probes: Probe[] = [
      { face: clusterFace(3, 1) }, // a face-only subject, face alone
      { face: clusterFace(105, 1) }, // a face+finger subject, face alone
      { ...clusterProbe(2005, 1), face: clusterFace(105, 1) }, // fused with its fingers
      { face: clusterFace(999, 1) }, // nobody
    ];
    const found: string[] = [];
    for (const probe of probes) {
      const [got, want] = await Promise.all([client.identify(probe), single.identify(probe)]);
      expect(got.candidates).toEqual(want.candidates);
      expect(got.threshold).toBe(want.threshold);
      found.push(got.candidates[0]?.referenceId ?? 'none');
    }
    expect(found).toEqual(['cf-only-3', 'cf-both-5', 'cf-both-5', 'none']);
    const verified = await client.verify('cf-only-3', { face: clusterFace(3, 2) });
    expect(verified).toEqual(await single.verify('cf-only-3', { face: clusterFace(3, 2) }));
    for (const s of enrolled) {
      await client.delete(s.referenceId, { requestId: `req-face-delete-${s.referenceId}` });
      await single.delete(s.referenceId);
    }
  });

  it('the same requestId published twice is applied once', async () => {
    const s = clusterSubject(901);
    expect((await client.insert(s, { requestId: 'req-once' })).status).toBe('inserted');
    expect((await client.delete(s.referenceId, { requestId: 'req-once-delete' })).deleted).toBe(true);
    // a redelivery of the first insert: JetStream drops it as a duplicate, so the delete stands
    const again = await client.insert(s, { requestId: 'req-once' });
    expect(again.status).toBe('already-present');
    expect(await client.subject(s.referenceId)).toBeUndefined();
    const info = await client.jetstream.streams.get('BIODEDUP_LOG').then((st) => st.info(false, { subjects_filter: '>' }));
    expect(info.state.messages).toBe(SUBJECTS + 2 + 2 + 60 + 60 + 24 + 24); // the redelivered insert was not stored again
    // every replica of the shard, each once it has applied the shard's last record (the lookup
    // above asked one of them; the other may still be applying the delete)
    const shard = shardOf(s.referenceId, client.shards);
    const last = await (await jetstreamManager(client.nats)).streams.getMessage('BIODEDUP_LOG', { last_by_subj: `biodedup.log.${shard}` });
    const replicas = nodes.flatMap((n) => (n.serving().includes(shard) ? [n.replica(shard)!] : []));
    expect(replicas.length).toBe(2);
    for (const r of replicas) {
      await r.waitApplied(last!.seq, Date.now() + 10_000);
      expect(r.engine.subject(s.referenceId)).toBeUndefined();
    }
  });

  it('the ABIS job log in JetStream: a second door process sees what the first recorded', async () => {
    const first = await JetStreamJobLog.open(client.nats);
    await first.started('req-job-1', 'insert', 'cl-0000001');
    const response = { id: 'mosip.abis.insert', requestId: 'req-job-2', responsetime: '2026-01-01T00:00:00.000Z', returnValue: '1' } as const;
    await first.done('req-job-2', response);
    const nc = await connect({ servers: nats.urls });
    try {
      const second = await JetStreamJobLog.open(nc);
      expect(second.get('req-job-1')).toMatchObject({ state: 'started', op: 'insert', referenceId: 'cl-0000001' });
      expect(second.get('req-job-2')).toMatchObject({ state: 'done', response });
      expect(second.get('req-never')).toBeUndefined();
      await second.done('req-job-1', { ...response, requestId: 'req-job-1' });
      await new Promise((r) => setTimeout(r, 200)); // the first mirror follows through its watch
      expect(first.get('req-job-1')?.state).toBe('done');
      await second.close();
    } finally {
      await nc.close();
    }
    await first.close();
  });

  it('a shard with no live replica fails the identify; it never answers on part of the gallery', async () => {
    const [a, b] = nodes;
    const lost = a.serving().filter((s) => b.serving().includes(s));
    expect(lost.length).toBeGreaterThan(0);
    await a.close();
    await b.close();
    await expect(client.identify(clusterProbe(1, 1), { mode: 'exhaustive' })).rejects.toSatisfy((e: unknown) => e instanceof ShardUnavailableError
      && e.code === 'ERR_SHARD_UNAVAILABLE' && lost.every((s) => e.shards.includes(s)));
  }, 30_000);
});
