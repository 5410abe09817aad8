/**
 * `npm run bench -- cluster --nodes 3 --gallery N [--shards S] [--nats-servers K] [--probes P]
 * [--kill-inserts K] [--json F]`: one process against an N-node cluster on NATS JetStream, side by side in
 * one run on the same gallery (the identify bench's generated background, 2 fingers, seed 1):
 * identify p50/p99 in the engine's default mode (prefilter, as `npm start` runs it: the scatter-
 * gather overhead a door sees) and exhaustive (every subject scored; beside it a one-process
 * baseline with as many scan workers as the cluster, which tells the cost of co-locating the
 * nodes on this machine's cores from the scatter-gather's), the agreement of every answer with
 * the one-process answer, throughput, acknowledged inserts/s through JetStream against a
 * DedupEngine's durable LMDB inserts, RAM per subject per replica (node RSS growth), then a kill
 * test: SIGKILL of one node during a stream of inserts and identifies, its restart and catch-up.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterClient, DedupEngine, parseTemplateKey, type IdentifyResult, type ClusterIdentifyTiming, type Probe, type Subject } from '../engine/index.ts';
import { natsServerPath, startNatsServers, type NatsCluster } from '../engine/cluster/local-nats.ts';
import { killNode, replicaCounts, spawnNode, type NodeProcess } from '../engine/cluster/local-nodes.ts';
import { ensureGalleryStore } from './identify-gallery.ts';
import { benchProbe, benchSubject } from './cluster-probes.ts';

export interface ClusterBenchOptions {
  readonly nodes: number;
  readonly gallery: number;
  readonly shards: number;
  readonly natsServers: number;
  readonly probes: number;
  readonly killInserts: number;
  readonly json?: string;
}

const SEED = 1;
const FINGERS = 2;
/** Concurrent inserts while loading (both paths): enough to fill JetStream's and LMDB's batches. */
const INSERT_CONCURRENCY = 64;
/** Scan workers of each node process (node-main's pool; the nodes share this machine's cores). */
const NODE_THREADS = 1;
/** Scan workers of the one-process engine: one per core, its default. */
const SINGLE_THREADS = availableParallelism();
/** Concurrent identifies in the throughput runs. */
const IDENTIFY_CONCURRENCY = 4;

export async function runClusterBench(o: ClusterBenchOptions, log: (line: string) => void): Promise<Record<string, number | string>> {
  if (natsServerPath === null) throw new Error('nats-server is not installed (apt-get install nats-server)');
  if (o.gallery % FINGERS !== 0) throw new RangeError(`--gallery counts finger templates (as the identify bench): a multiple of ${FINGERS}`);
  const subjects = o.gallery / FINGERS;
  const store = await ensureGalleryStore({ dir: join(tmpdir(), `biodedup-cluster-gallery-${o.gallery}`), subjects, fingersPerSubject: FINGERS, seed: SEED, planted: [], threads: 2 }, log);
  const key = parseTemplateKey(store.keyHex);
  const work = mkdtempSync(join(tmpdir(), 'biodedup-cluster-bench-'));
  const nodes = new Map<string, NodeProcess>();
  let nats: NatsCluster | undefined;
  let client: ClusterClient | undefined;
  const rssSingle0 = rss(process.pid);
  const single = DedupEngine.open({ dataDir: store.dir, key, threads: SINGLE_THREADS, prefilter: {} });
  const engines: DedupEngine[] = [single];
  try {
    log(`single process: ${single.count()} subjects loaded in ${single.loadSeconds.toFixed(1)} s`);
    const subjectOf = (i: number): Subject => {
      const s = single.subject(`bg-${i}`)!;
      return { referenceId: s.referenceId, fingers: s.fingers };
    };
    const probes: Probe[] = Array.from({ length: o.probes }, (_, j) => (j % 2 === 0
      ? benchProbe(SEED, (j * 7919) % subjects, FINGERS, 1) // mated
      : benchProbe(SEED, subjects + 1_000_000 + j, FINGERS, 0))); // a subject the gallery does not hold
    await single.ready();
    await single.identify(probes[0], { mode: 'exhaustive' });
    const ramSingle = (rss(process.pid) - rssSingle0) / subjects;

    // LMDB alone: the same subjects into a fresh DedupEngine, same concurrency
    const lmdbCount = Math.min(subjects, 20_000);
    const lmdb = DedupEngine.open({ dataDir: join(work, 'lmdb'), key, threads: 1, prefilter: {} });
    const lmdbSeconds = await timed(() => forAll(lmdbCount, INSERT_CONCURRENCY, async (i) => { await lmdb.insert(subjectFromStored(subjectOf(i))); }));
    await lmdb.close();
    const lmdbInsertsPerSecond = lmdbCount / lmdbSeconds;
    log(`LMDB alone: ${lmdbCount} durable inserts in ${lmdbSeconds.toFixed(1)} s`);

    nats = await startNatsServers(join(work, 'nats'), o.natsServers, log);
    // production heartbeat and lease (CLUSTER_PARAMS): their background work is part of what the
    // cluster costs; reassignment is held off so the kill test measures a restart's catch-up
    const args = ['--shards', String(o.shards), '--initial-nodes', String(o.nodes), '--prefilter', '1', '--reassign-after-ms', '600000'];
    const start = (id: string): NodeProcess => {
      const p = spawnNode(id, join(work, id), nats!.urls, store.keyHex, args, NODE_THREADS);
      nodes.set(id, p);
      return p;
    };
    await Promise.all(Array.from({ length: o.nodes }, (_, i) => start(`node${i + 1}`).ready));
    let lastTiming: ClusterIdentifyTiming | undefined;
    client = await ClusterClient.connect({ servers: nats.urls, key, requestTimeoutMs: 120_000, onIdentify: (t) => { lastTiming = t; } });
    await client.waitUntilServed(120_000, 2);
    const rssNodes0 = [...nodes.values()].map((p) => rss(p.child.pid!));
    const c = client;
    const clusterSeconds = await timed(() => forAll(subjects, INSERT_CONCURRENCY, async (i) => { await c.insert(subjectOf(i), { requestId: `load-${i}` }); }));
    const clusterInsertsPerSecond = subjects / clusterSeconds;
    log(`cluster: ${subjects} inserts acknowledged by JetStream in ${clusterSeconds.toFixed(1)} s`);
    const appliedSeconds = await timed(() => waitReplicasApplied(c, nats!));
    log(`cluster: every replica applied them ${appliedSeconds.toFixed(1)} s later`);
    await c.identify(probes[0], { mode: 'exhaustive' }); // warm every replica's pool
    const ramBytesPerSubject = [...nodes.values()].reduce((s, p, i) => s + rss(p.child.pid!) - rssNodes0[i], 0) / (subjects * 2);

    // the cluster's processes' CPU when idle (heartbeats, consumers' pulls): counted in the CPU per identify below
    // the processes that make up the cluster (a killed node's restart is a new pid: asked each time)
    const clusterPids = (): number[] => [...[...nodes.values()].map((p) => p.child.pid!), ...nats!.servers.map((sv) => sv.process.pid!)];
    const idlePids = clusterPids();
    const idle0 = idlePids.map(cpuMsOf), idleFrom = performance.now();
    await sleep(5000);
    const clusterIdleCpuMsPerSecond = idlePids.reduce((sum, pid, i) => sum + cpuMsOf(pid) - idle0[i], 0) / ((performance.now() - idleFrom) / 1000);

    // latency, interleaved so all see the same machine; `alike`: a one-process engine with as
    // many scan workers as the nodes have together (co-location on these cores, not scatter-gather)
    const alike = DedupEngine.open({ dataDir: store.dir, key, threads: o.nodes * NODE_THREADS, prefilter: {} });
    await alike.ready();
    await alike.identify(probes[0], { mode: 'exhaustive' });
    engines.push(alike);
    const compare = async (mode: 'exhaustive' | 'prefilter', withAlike: boolean) => {
      const singleMs: number[] = [], clusterMs: number[] = [], alikeMs: number[] = [], timings: ClusterIdentifyTiming[] = [];
      let agree = 0;
      // CPU time (all threads) of the processes doing the work: this one for the one-process
      // identify; this one, the nodes and nats-server for the cluster's. Unlike wall time it does
      // not depend on what else the machine runs.
      let singleCpuMs = 0, clusterCpuMs = 0;
      for (const probe of probes) {
        let a: IdentifyResult | undefined, b: IdentifyResult | undefined;
        const cpu0 = process.cpuUsage();
        singleMs.push(await timedMs(async () => { a = await single.identify(probe, { mode }); }));
        const cpu1 = process.cpuUsage(cpu0);
        singleCpuMs += (cpu1.user + cpu1.system) / 1000;
        const pids = clusterPids(), before = pids.map(cpuMsOf), self0 = process.cpuUsage();
        clusterMs.push(await timedMs(async () => { b = await c.identify(probe, { mode }); }));
        const self1 = process.cpuUsage(self0);
        clusterCpuMs += (self1.user + self1.system) / 1000 + pids.reduce((sum, pid, i) => sum + cpuMsOf(pid) - before[i], 0);
        timings.push(lastTiming!);
        if (sameAnswer(a!, b!)) agree++;
        if (withAlike) alikeMs.push(await timedMs(async () => { await alike.identify(probe, { mode }); }));
      }
      return { singleMs, clusterMs, alikeMs, agree, timings, singleCpuMs: singleCpuMs / probes.length, clusterCpuMs: clusterCpuMs / probes.length };
    };
    await c.identify(probes[0], { mode: 'prefilter' });
    const pre = await compare('prefilter', false);
    const exh = await compare('exhaustive', true);
    const matedFound = probes.filter((_, j) => j % 2 === 0).length;
    const singleThroughput = o.probes / await timed(() => forAll(o.probes, IDENTIFY_CONCURRENCY, async (j) => { await single.identify(probes[j]); }));
    const clusterThroughput = o.probes / await timed(() => forAll(o.probes, IDENTIFY_CONCURRENCY, async (j) => { await c.identify(probes[j]); }));

    const kill = await killTest(o, subjects, c, nodes, start, log);
    const figures = {
      gallery: o.gallery, subjects, nodes: o.nodes, shards: o.shards, natsServers: o.natsServers, replication: 2, probes: o.probes, matedProbes: matedFound,
      // every answer, both modes, equal to the one-process answer
      identifyAgreement: (pre.agree + exh.agree) / (2 * o.probes),
      identifyMode: 'prefilter (the default)',
      singleP50Ms: pct(pre.singleMs, 0.5), singleP99Ms: pct(pre.singleMs, 0.99), clusterP50Ms: pct(pre.clusterMs, 0.5), clusterP99Ms: pct(pre.clusterMs, 0.99),
      overheadP50Ms: pct(pre.clusterMs, 0.5) - pct(pre.singleMs, 0.5),
      overheadPairedMedianMs: pct(pre.clusterMs.map((ms, j) => ms - pre.singleMs[j]), 0.5),
      prefilterIdentifyAgreement: pre.agree / o.probes,
      transportMedianMs: pct(pre.timings.map((t) => t.totalMs - t.slowestShardMs), 0.5),
      logHeadsMedianMs: pct(pre.timings.map((t) => t.logHeadsMs), 0.5),
      reaskedShards: [...pre.timings, ...exh.timings].reduce((sum, t) => sum + t.reasked, 0),
      singleCpuMsPerIdentify: pre.singleCpuMs, clusterCpuMsPerIdentify: pre.clusterCpuMs, clusterIdleCpuMsPerSecond,
      exhaustiveIdentifyAgreement: exh.agree / o.probes,
      exhaustiveSingleP50Ms: pct(exh.singleMs, 0.5), exhaustiveSingleP99Ms: pct(exh.singleMs, 0.99),
      exhaustiveClusterP50Ms: pct(exh.clusterMs, 0.5), exhaustiveClusterP99Ms: pct(exh.clusterMs, 0.99),
      exhaustiveOverheadP50Ms: pct(exh.clusterMs, 0.5) - pct(exh.singleMs, 0.5),
      exhaustiveOverheadPairedMedianMs: pct(exh.clusterMs.map((ms, j) => ms - exh.singleMs[j]), 0.5),
      // the one process with as many scan workers as the cluster's nodes together
      alikeWorkers: o.nodes * NODE_THREADS,
      exhaustiveAlikeP50Ms: pct(exh.alikeMs, 0.5),
      exhaustiveOverheadOverAlikeP50Ms: pct(exh.clusterMs, 0.5) - pct(exh.alikeMs, 0.5),
      // the exhaustive overhead split: the slowest shard's scan on its node against the one
      // process's whole identify (partitioning, more engines than cores), and the rest of the call
      exhaustiveSlowestShardOverSingleMedianMs: pct(exh.timings.map((t, j) => t.slowestShardMs - exh.singleMs[j]), 0.5),
      exhaustiveTransportMedianMs: pct(exh.timings.map((t) => t.totalMs - t.slowestShardMs), 0.5),
      exhaustiveSingleCpuMsPerIdentify: exh.singleCpuMs, exhaustiveClusterCpuMsPerIdentify: exh.clusterCpuMs,
      singleIdentifiesPerSecond: singleThroughput, clusterIdentifiesPerSecond: clusterThroughput,
      clusterInsertsPerSecond, lmdbInsertsPerSecond, clusterAppliedSeconds: appliedSeconds,
      ramBytesPerSubject, ramBytesPerSubjectSingle: ramSingle,
      ...kill,
    };
    if (o.json !== undefined) writeFileSync(o.json, JSON.stringify(figures, null, 2) + '\n');
    return figures;
  } finally {
    await client?.close();
    await Promise.all([...nodes.values()].map((p) => killNode(p, 'SIGTERM')));
    await nats?.stop();
    for (const e of engines) await e.close();
    rmSync(work, { recursive: true, force: true });
  }
}

/** SIGKILL of the last node during inserts of new subjects and identifies of acknowledged ones; restart; counts. */
async function killTest(o: ClusterBenchOptions, subjects: number, c: ClusterClient, nodes: Map<string, NodeProcess>, start: (id: string) => NodeProcess, log: (line: string) => void) {
  const victim = `node${o.nodes}`;
  // new subjects (the generator's seed 2, enrolled as kill-<k>), templates made before the clock runs
  const fresh = Array.from({ length: o.killInserts }, (_, k) => benchSubject(SEED + 1, k, FINGERS));
  const acked: number[] = [];
  let identifies = 0, wrongNoDuplicate = 0, identifyErrors = 0, stop = false, firstError = '';
  const identifyLoop = (async () => {
    for (let n = 0; !stop; n++) {
      if (acked.length === 0) { await sleep(20); continue; }
      const k = acked[(n * 7919) % acked.length];
      try {
        const r = await c.identify(benchProbe(SEED + 1, k, FINGERS, 1), { mode: 'exhaustive', maxResults: 3 });
        identifies++;
        if (!r.candidates.some((x) => x.referenceId === `kill-${k}`)) wrongNoDuplicate++;
      } catch (e) {
        identifyErrors++;
        firstError ||= `${(e as { code?: string }).code ?? ''} ${(e as Error).message}`;
      }
    }
  })();
  let killedAt = 0;
  await forAll(o.killInserts, 8, async (k) => {
    const s = { ...fresh[k], referenceId: `kill-${k}` };
    for (let attempt = 0; ; attempt++) {
      try {
        await c.insert(s, { requestId: `kill-${k}` });
        acked.push(k);
        break;
      } catch (e) {
        if (attempt > 20) throw e;
        await sleep(250);
      }
    }
    if (acked.length === Math.floor(o.killInserts / 4) && killedAt === 0) {
      killedAt = performance.now();
      await killNode(nodes.get(victim)!, 'SIGKILL');
      log(`kill test: ${victim} killed (SIGKILL) after ${acked.length} acknowledged inserts`);
    }
  });
  // identifies go on while the dead node's lease runs out and after: the replicas must answer
  const atKill = identifies;
  while (identifies - atKill < 10) await sleep(100);
  const restartedAt = performance.now();
  const p = start(victim);
  await p.ready;
  await c.waitUntilServed(300_000, 2);
  stop = true;
  await identifyLoop;
  const caughtUp = p.lines.map((l) => /caught up at sequence \d+: (\d+) records applied in (\d+) ms/.exec(l)).filter((m) => m !== null);
  const records = caughtUp.reduce((s, m) => s + Number(m![1]), 0);
  const ms = Math.max(1, ...caughtUp.map((m) => Number(m![2])));
  log(`kill test: ${victim} restarted ${((restartedAt - killedAt) / 1000).toFixed(1)} s after the kill; its ${caughtUp.length} shards replayed ${records} records in ${ms} ms`);
  let lost = 0;
  await forAll(acked.length, 16, async (j) => { if (await c.subject(`kill-${acked[j]}`) === undefined) lost++; });
  const { surplus, deficit, streamMessages } = await replicaBalance(c);
  return {
    killAcknowledged: acked.length, killIdentifies: identifies, killIdentifyErrors: identifyErrors,
    killWrongNoDuplicate: wrongNoDuplicate, killFirstError: firstError, lostAcknowledged: lost + deficit, appliedTwice: surplus + Math.max(0, streamMessages - (subjects + acked.length)),
    catchUpRecords: records, catchUpInsertsPerSecond: records / (ms / 1000),
  };
}

async function waitReplicasApplied(c: ClusterClient, nats: NatsCluster): Promise<void> {
  for (;;) {
    const { surplus, deficit } = await replicaBalance(c, nats);
    if (surplus === 0 && deficit === 0) return;
    await sleep(500);
  }
}

/** Over every serving replica: subjects beyond / missing from its shard's record count in the stream (no deletes in this bench). */
async function replicaBalance(c: ClusterClient, nats?: NatsCluster): Promise<{ surplus: number; deficit: number; streamMessages: number }> {
  const stream = await c.jetstream.streams.get('BIODEDUP_LOG');
  const info = await stream.info(false, { subjects_filter: '>' });
  const perSubject = info.state.subjects ?? {};
  let surplus = 0, deficit = 0;
  const urls = nats?.urls ?? [c.nats.getServer()];
  for (const { nodeId, serving } of c.liveNodes()) {
    const counts = await replicaCounts(urls, nodeId, serving, serving.map(() => 0));
    for (const shard of serving) {
      const want = perSubject[`biodedup.log.${shard}`] ?? 0, got = counts.get(shard) ?? 0;
      if (got > want) surplus += got - want; else deficit += want - got;
    }
  }
  return { surplus, deficit, streamMessages: info.state.messages };
}

function subjectFromStored(s: Subject): Subject {
  return { referenceId: s.referenceId, fingers: s.fingers };
}

function sameAnswer(a: IdentifyResult, b: IdentifyResult): boolean {
  return a.gallerySize === b.gallerySize && a.threshold === b.threshold && a.candidates.length === b.candidates.length
    && a.candidates.every((x, i) => x.referenceId === b.candidates[i].referenceId && x.score === b.candidates[i].score
      && JSON.stringify(x.scores) === JSON.stringify(b.candidates[i].scores));
}

async function forAll(count: number, concurrency: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, async () => { while (next < count) await work(next++); }));
}

async function timed(work: () => Promise<void>): Promise<number> {
  return (await timedMs(work)) / 1000;
}

async function timedMs(work: () => Promise<void>): Promise<number> {
  const t = performance.now();
  await work();
  return performance.now() - t;
}

function pct(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/**
 * Anonymous resident memory of a process (its worker threads included: heap, shards), bytes —
 * as the identify bench's rssAnonBytes; LMDB's file pages, which the OS may drop, are left out.
 */
/** CPU time (user + system, all threads) a process has used so far, ms. */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND; // utime, stime (fields 14, 15)
}
/** USER_HZ: 100 on Linux x86-64 and arm64 (the kernel's ABI for /proc). */
const CLOCK_TICKS_PER_SECOND = 100;

function rss(pid: number): number {
  const m = /RssAnon:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m === null ? 0 : Number(m[1]) * 1024;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function formatClusterBench(f: Record<string, number | string>): string {
  const n = (k: string, d = 1): string => (typeof f[k] === 'number' ? (f[k] as number).toFixed(d) : String(f[k]));
  return [
    `cluster bench: ${f.gallery} finger templates (${f.subjects} subjects × 2), ${f.nodes} nodes (${NODE_THREADS} scan worker each), ${f.shards} shards × replication 2, ${f.natsServers} nats-server(s); ${f.probes} probes (half mated), each through one process and the cluster in turn`,
    `identify, default mode (prefilter), p50/p99: one process ${n('singleP50Ms')} / ${n('singleP99Ms')} ms, cluster ${n('clusterP50Ms')} / ${n('clusterP99Ms')} ms → overheadP50Ms ${n('overheadP50Ms')} (median of per-probe differences ${n('overheadPairedMedianMs')} ms)`,
    `  the call beyond its slowest shard (NATS round trip, msgpack, merge) ${n('transportMedianMs')} ms; log-head reads ${n('logHeadsMedianMs')} ms, in parallel with the shards' work; shards asked again (a replica behind its head): ${f.reaskedShards}`,
    `  CPU per identify (all threads of the processes involved): one process ${n('singleCpuMsPerIdentify', 0)} ms, cluster ${n('clusterCpuMsPerIdentify', 0)} ms (its processes use ${n('clusterIdleCpuMsPerSecond', 0)} ms/s when idle)`,
    `identify, exhaustive, p50/p99: one process ${n('exhaustiveSingleP50Ms')} / ${n('exhaustiveSingleP99Ms')} ms, cluster ${n('exhaustiveClusterP50Ms')} / ${n('exhaustiveClusterP99Ms')} ms → ${n('exhaustiveOverheadP50Ms')} ms (paired ${n('exhaustiveOverheadPairedMedianMs')} ms)`,
    `  one process with ${f.alikeWorkers} scan workers, as many as the nodes together on these cores: p50 ${n('exhaustiveAlikeP50Ms')} ms → the cluster's overhead over it ${n('exhaustiveOverheadOverAlikeP50Ms')} ms`,
    `  slowest shard's scan on its node − one process's identify ${n('exhaustiveSlowestShardOverSingleMedianMs')} ms; the rest of the call ${n('exhaustiveTransportMedianMs')} ms; CPU per identify ${n('exhaustiveSingleCpuMsPerIdentify', 0)} vs ${n('exhaustiveClusterCpuMsPerIdentify', 0)} ms`,
    `identifyAgreement ${n('identifyAgreement', 3)} over both modes (same candidates, same scores; prefilter ${n('prefilterIdentifyAgreement', 3)}, exhaustive ${n('exhaustiveIdentifyAgreement', 3)})`,
    `identify throughput, default mode (${IDENTIFY_CONCURRENCY} concurrent): one process ${n('singleIdentifiesPerSecond')}/s, cluster ${n('clusterIdentifiesPerSecond')}/s`,
    `acknowledged inserts/s: JetStream ${n('clusterInsertsPerSecond', 0)}, LMDB alone ${n('lmdbInsertsPerSecond', 0)}; replicas applied the load ${n('clusterAppliedSeconds')} s after the last ack`,
    `RAM per subject per replica ${n('ramBytesPerSubject', 0)} B anonymous (one process: ${n('ramBytesPerSubjectSingle', 0)} B per subject)`,
    `kill test: ${f.killAcknowledged} acknowledged inserts, ${f.killIdentifies} identifies (${f.killIdentifyErrors} errors${f.killFirstError ? `, first: ${f.killFirstError}` : ''}, ${f.killWrongNoDuplicate} wrong "no duplicate"), lostAcknowledged ${f.lostAcknowledged}, appliedTwice ${f.appliedTwice}`,
    `catch-up after restart: ${f.catchUpRecords} records at ${n('catchUpInsertsPerSecond', 0)} inserts/s`,
  ].join('\n');
}
