/**
 * Flags of `npm run bench -- cluster …` and `npm run bench -- cost-model …`; returns the exit
 * code (0 done, 1 error, 2 bad arguments).
 */
import { parseArgs } from 'node:util';
import { formatClusterBench, runClusterBench } from './cluster.ts';
import { formatCostModel, runCostModel } from './cost-model.ts';

export const CLUSTER_USAGE = `cluster --nodes N (3) --gallery S [--shards K (6)] [--nats-servers K (1)] [--probes P (100)] [--kill-inserts I (2000)] [--json FILE]
  One process against an N-node cluster on NATS JetStream (real nats-server and node processes on
  loopback), on the same generated gallery of S subjects × 2 fingers (built once in
  $TMPDIR/biodedup-cluster-gallery-S): identify p50/p99 in the default (prefilter) mode — the
  overhead a door sees — and exhaustive (beside a one-process baseline with as many scan workers as
  the nodes), identifyAgreement over both, throughput, acknowledged inserts/s through JetStream vs
  LMDB alone, RAM per subject per replica, then a
  SIGKILL of one node during I inserts and identifies: lostAcknowledged, appliedTwice, catch-up rate.`;

export const COST_MODEL_USAGE = `cost-model --subjects N --fingers F --irises I --enrolments-per-day E --from FILE [--from FILE]… [--node-ram-gib G (64)] [--node-cores C (32)]
  Nodes, RAM, cores, identify latency and core-seconds per enrolment for a programme of N people,
  computed only from the figures in the bench JSON files given (identify, cluster, speed), each
  printed with its file and key; every assumption printed.`;

export async function clusterMain(command: 'cluster' | 'cost-model', argv: string[]): Promise<number> {
  const usage = command === 'cluster' ? CLUSTER_USAGE : COST_MODEL_USAGE;
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    values = parseArgs({
      args: argv, strict: true, allowPositionals: false,
      options: command === 'cluster'
        ? { nodes: { type: 'string' }, gallery: { type: 'string' }, shards: { type: 'string' }, 'nats-servers': { type: 'string' }, probes: { type: 'string' }, 'kill-inserts': { type: 'string' }, json: { type: 'string' }, help: { type: 'boolean' } }
        : { subjects: { type: 'string' }, fingers: { type: 'string' }, irises: { type: 'string' }, 'enrolments-per-day': { type: 'string' }, from: { type: 'string', multiple: true }, 'node-ram-gib': { type: 'string' }, 'node-cores': { type: 'string' }, help: { type: 'boolean' } },
    }).values;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\nusage: npm run bench -- ${usage}\n`);
    return 2;
  }
  if (values.help === true) {
    process.stdout.write(`usage: npm run bench -- ${usage}\n`);
    return 0;
  }
  const int = (name: string, fallback: number | undefined, min: number): number => {
    const raw = values[name];
    const n = raw === undefined ? fallback : Number(raw);
    if (n === undefined || !Number.isInteger(n) || n < min) throw new RangeError(`--${name} must be an integer ≥ ${min}${raw === undefined ? ' (required)' : `, got "${String(raw)}"`}`);
    return n;
  };
  try {
    if (command === 'cluster') {
      const figures = await runClusterBench({
        nodes: int('nodes', 3, 2), gallery: int('gallery', undefined, 100), shards: int('shards', 6, 2), natsServers: int('nats-servers', 1, 1),
        probes: int('probes', 100, 2), killInserts: int('kill-inserts', 2000, 8), json: values.json as string | undefined,
      }, (l) => process.stderr.write(`${l}\n`));
      process.stdout.write(`${formatClusterBench(figures)}\n`);
    } else {
      const from = (values.from as string[] | undefined) ?? [];
      if (from.length === 0) throw new RangeError('--from FILE is required (bench JSON: identify, cluster, speed)');
      const model = runCostModel({
        subjects: int('subjects', undefined, 1), fingers: int('fingers', undefined, 1), irises: int('irises', 0, 0),
        enrolmentsPerDay: int('enrolments-per-day', undefined, 1), from, nodeRamGiB: int('node-ram-gib', 64, 1), nodeCores: int('node-cores', 32, 1),
      });
      process.stdout.write(`${formatCostModel(model)}\n`);
    }
    return 0;
  } catch (e) {
    if (e instanceof RangeError) {
      process.stderr.write(`${e.message}\nusage: npm run bench -- ${usage}\n`);
      return 2;
    }
    throw e;
  }
}
