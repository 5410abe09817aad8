/**
 * `npm run bench -- cost-model --subjects N --fingers F --irises I --enrolments-per-day E
 * --from identify.json --from cluster.json --from speed.json`: what a programme of N people
 * needs — nodes, RAM, cores, identify latency and core-seconds per enrolment — computed only
 * from figures the benches wrote (each printed with its file and key) and from assumptions that
 * are printed; nothing typed in. A figure no input provides is reported missing, not guessed.
 */
import { readFileSync } from 'node:fs';

export interface CostModelOptions {
  readonly subjects: number;
  readonly fingers: number;
  readonly irises: number;
  readonly enrolmentsPerDay: number;
  readonly from: readonly string[];
  /** Hardware of one node (a choice of the reader, printed as an assumption). */
  readonly nodeRamGiB: number;
  readonly nodeCores: number;
}

interface Input {
  readonly value: number;
  readonly source: string;
}

/** Share of a node's RAM the gallery may take (the OS, LMDB's page cache and the heap need the rest). */
const RAM_USABLE_SHARE = 0.75;
/** Average CPU use planned per node: peaks of 2× the daily average stay within the cores. */
const CPU_TARGET_UTILISATION = 0.5;
const SECONDS_PER_DAY = 86_400;

export interface CostModel {
  readonly options: CostModelOptions;
  readonly inputs: Record<string, Input>;
  readonly missing: string[];
  readonly assumptions: string[];
  readonly rows: [string, string][];
  readonly dominates: string;
}

export function runCostModel(o: CostModelOptions): CostModel {
  const files = o.from.map((path) => ({ path, json: JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown> }));
  const inputs: Record<string, Input> = {};
  const missing: string[] = [];
  /** The first file whose JSON has `key` as a finite number (and matches `when`). */
  const take = (name: string, key: string, when: (j: Record<string, unknown>) => boolean = () => true): number | undefined => {
    for (const f of files) {
      const v = f.json[key];
      if (typeof v === 'number' && Number.isFinite(v) && when(f.json)) {
        inputs[name] = { value: v, source: `${f.path} → ${key}` };
        return v;
      }
    }
    missing.push(`${name} (key ${key})`);
    return undefined;
  };
  const prefilterRun = (j: Record<string, unknown>): boolean => j.mode === 'prefilter';
  const exhaustiveRun = (j: Record<string, unknown>): boolean => j.mode === 'exhaustive';
  const pGallery = take('identify gallery (finger templates), prefilter run', 'gallery', prefilterRun);
  const pThreads = take('identify threads, prefilter run', 'threads', prefilterRun);
  const pRate = take('identifies per second, prefilter run', 'identifiesPerSecond', prefilterRun);
  const pRss = take('anonymous RSS of the prefilter run (bytes)', 'rssAnonBytes', prefilterRun);
  const recall = take('prefilter recall', 'prefilterRecall', prefilterRun);
  const exRate = take('finger comparisons per second per core, exhaustive run', 'comparisonsPerSecondPerCore', exhaustiveRun);
  const ramPerSubjectReplica = take('cluster RAM per subject per replica (bytes, 2-finger subjects)', 'ramBytesPerSubject');
  const replication = take('cluster replication factor', 'replication');
  const overhead = take('cluster scatter-gather overhead, p50 (ms)', 'overheadP50Ms');
  const clusterInserts = take('acknowledged inserts/s through JetStream', 'clusterInsertsPerSecond');
  // irises: the iris identify bench (coarse first pass + full search) when given, else the
  // exhaustive rotation search's rate from the speed bench
  const irisRun = (j: Record<string, unknown>): boolean => typeof j.codes === 'number';
  const irisCodes = o.irises > 0 && files.some((f) => irisRun(f.json)) ? take('iris identify gallery (iris codes)', 'codes', irisRun) : undefined;
  const irisThreads = irisCodes === undefined ? undefined : take('iris identify threads', 'threads', irisRun);
  const irisP50 = irisCodes === undefined ? undefined : take('iris identify p50 (ms), coarse pass + full search', 'p50Ms', irisRun);
  const irisRamPerCode = irisCodes === undefined ? undefined : take('anonymous RAM per iris code (bytes)', 'ramBytesPerCode', irisRun);
  const irisRate = o.irises > 0 && irisCodes === undefined ? take('iris comparisons per second, one thread', 'irisComparisonsPerSecond') : undefined;

  const fingerTemplates = o.subjects * o.fingers;
  const irisTemplates = o.subjects * o.irises;
  const assumptions = [
    `node: ${o.nodeCores} cores, ${o.nodeRamGiB} GiB RAM (--node-cores, --node-ram-gib), ${Math.round(RAM_USABLE_SHARE * 100)} % of the RAM for the gallery`,
    `CPU planned at ${Math.round(CPU_TARGET_UTILISATION * 100)} % average use (daily peaks of 2× the average fit)`,
    'every enrolment is one identify against everyone enrolled (deduplication); inserts are not counted (the cluster bench acknowledges them at over a thousand per second, against under ten identifies per second)',
    'core-seconds per identify = the identify run\'s threads ÷ its identifies per second (it measures one identify in flight, so this is an upper bound when its threads were not all busy)',
    'identify cost grows linearly with the number of templates: the prefilter scans every finger vector and re-scores a fixed share (its penetration) of subjects; a probe finger meets the same finger position of each subject, so a 10-finger probe against 10-finger subjects compares as many pairs as there are templates, like the 2-finger bench',
    'the prefilter keeps the recall it measured at the bench gallery size (not measured at 10⁹ templates: ranking gets harder as the gallery grows)',
    'irises, from an iris identify run: core-seconds per identify = its threads × its p50 (one identify in flight: an upper bound), growing linearly with the codes (the coarse pass reads every code; the full search takes a fixed share); without one: every probe iris compared with every enrolled iris of its side (exhaustive)',
    'RAM per finger template = the larger of the identify run (anonymous RSS / templates, one process) and the cluster run (RAM per subject per replica / 2); times the replication factor',
    'latency: an identify spread over every core of every node, plus the measured scatter-gather overhead; a lower bound at idle (queueing at the planned load roughly doubles it)',
  ];
  const rows: [string, string][] = [];
  const fmt = (n: number, d = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  rows.push(['programme', `${fmt(o.subjects)} people × ${o.fingers} fingers + ${o.irises} irises = ${fmt(fingerTemplates)} finger and ${fmt(irisTemplates)} iris templates; ${fmt(o.enrolmentsPerDay)} enrolments/day`]);

  let fingerBytes: number | undefined;
  if (pRss !== undefined && pGallery !== undefined) fingerBytes = pRss / pGallery;
  if (ramPerSubjectReplica !== undefined) fingerBytes = Math.max(fingerBytes ?? 0, ramPerSubjectReplica / 2);
  const rf = replication ?? 2;
  let ramBytes: number | undefined;
  if (fingerBytes !== undefined) {
    ramBytes = fingerTemplates * fingerBytes * rf;
    rows.push(['RAM, fingers', `${fmt(fingerBytes)} B per template × ${fmt(fingerTemplates)} × replication ${rf} = ${fmt(ramBytes / 2 ** 40, 1)} TiB`]);
  } else rows.push(['RAM, fingers', 'missing input']);
  if (o.irises > 0 && irisRamPerCode !== undefined) {
    const irisRam = irisTemplates * irisRamPerCode * rf;
    ramBytes = ramBytes === undefined ? undefined : ramBytes + irisRam;
    rows.push(['RAM, irises', `${fmt(irisRamPerCode)} B per code × ${fmt(irisTemplates)} × replication ${rf} = ${fmt(irisRam / 2 ** 40, 1)} TiB`]);
  } else if (o.irises > 0) rows.push(['RAM, irises', 'no iris identify JSON gives RAM per iris code: not counted (the total is a lower bound)']);
  const ramNodes = ramBytes === undefined ? undefined : Math.ceil(ramBytes / (o.nodeRamGiB * 2 ** 30 * RAM_USABLE_SHARE));

  let fingerCoreSeconds: number | undefined;
  if (pThreads !== undefined && pRate !== undefined && pGallery !== undefined) {
    fingerCoreSeconds = (pThreads / pRate) * (fingerTemplates / pGallery);
    rows.push(['core-seconds per enrolment, fingers (prefilter)', `${fmt(pThreads / pRate, 3)} core-s per identify at ${fmt(pGallery)} templates × ${fmt(fingerTemplates / pGallery)} = ${fmt(fingerCoreSeconds, 1)} core-s${recall === undefined ? '' : ` (recall ${fmt(100 * recall, 1)} % at the bench size)`}`]);
  }
  if (exRate !== undefined) rows.push(['core-seconds per enrolment, fingers without prefilter', `${fmt(fingerTemplates)} comparisons / ${fmt(exRate)} per core-s = ${fmt(fingerTemplates / exRate, 0)} core-s`]);
  let irisCoreSeconds: number | undefined;
  if (irisCodes !== undefined && irisThreads !== undefined && irisP50 !== undefined) {
    irisCoreSeconds = irisThreads * (irisP50 / 1000) * (irisTemplates / irisCodes);
    rows.push(['core-seconds per enrolment, irises (coarse pass + full search)', `${fmt(irisThreads * irisP50 / 1000, 3)} core-s per identify at ${fmt(irisCodes)} codes × ${fmt(irisTemplates / irisCodes)} = ${fmt(irisCoreSeconds, 1)} core-s`]);
  } else if (irisRate !== undefined) {
    irisCoreSeconds = irisTemplates / irisRate;
    rows.push(['core-seconds per enrolment, irises (exhaustive)', `${fmt(irisTemplates)} comparisons / ${fmt(irisRate)} per core-s = ${fmt(irisCoreSeconds, 1)} core-s`]);
  }
  const coreSeconds = (fingerCoreSeconds ?? 0) + (irisCoreSeconds ?? 0);
  rows.push(['core-seconds per enrolment, total', fmt(coreSeconds, 1)]);
  const cores = (o.enrolmentsPerDay * coreSeconds) / SECONDS_PER_DAY / CPU_TARGET_UTILISATION;
  const cpuNodes = Math.ceil(cores / o.nodeCores);
  rows.push(['cores', `${fmt(o.enrolmentsPerDay)} × ${fmt(coreSeconds, 1)} core-s / ${SECONDS_PER_DAY} s / ${CPU_TARGET_UTILISATION} = ${fmt(cores)} cores`]);
  const nodes = Math.max(cpuNodes, ramNodes ?? 0, rf);
  rows.push(['nodes', `${fmt(nodes)} (CPU needs ${fmt(cpuNodes)}, RAM needs ${ramNodes === undefined ? 'unknown' : fmt(ramNodes)}) of ${o.nodeCores} cores / ${o.nodeRamGiB} GiB → ${fmt(nodes * o.nodeCores)} cores, ${fmt(nodes * o.nodeRamGiB / 1024, 1)} TiB RAM`]);
  const latencyMs = (coreSeconds / (nodes * o.nodeCores)) * 1000 + (overhead ?? 0);
  rows.push(['identify latency (lower bound, idle)', `${fmt(coreSeconds, 1)} core-s / ${fmt(nodes * o.nodeCores)} cores + ${fmt(overhead ?? 0, 1)} ms overhead = ${fmt(latencyMs, 0)} ms`]);
  if (clusterInserts !== undefined) rows.push(['inserts', `${fmt(o.enrolmentsPerDay / SECONDS_PER_DAY, 1)}/s on average against ${fmt(clusterInserts, 0)}/s acknowledged by one JetStream stream in the bench: not a limit`]);

  const parts: [string, number][] = [['finger matching (prefilter scan and re-scoring)', fingerCoreSeconds ?? 0], [irisCodes === undefined ? 'iris matching (exhaustive)' : 'iris matching (coarse pass + full search)', irisCoreSeconds ?? 0]];
  parts.sort((a, b) => b[1] - a[1]);
  const dominant = parts[0];
  const byWhat = ramNodes !== undefined && ramNodes > cpuNodes ? 'RAM (the gallery must fit in memory twice)' : 'CPU';
  const dominates = coreSeconds === 0 ? 'unknown (missing inputs)'
    : `${byWhat} sets the node count; of the CPU, ${dominant[0]} takes ${fmt(100 * dominant[1] / coreSeconds, 0)} % of each enrolment's core-seconds`;
  return { options: o, inputs, missing, assumptions, rows, dominates };
}

export function formatCostModel(m: CostModel): string {
  const width = Math.max(...m.rows.map(([k]) => k.length));
  return [
    'cost model (computed from bench JSON only)',
    ...m.rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`),
    `what dominates: ${m.dominates}`,
    'inputs:',
    ...Object.entries(m.inputs).map(([k, v]) => `  ${k} = ${v.value} (${v.source})`),
    ...(m.missing.length === 0 ? [] : ['missing inputs (not guessed):', ...m.missing.map((s) => `  ${s}`)]),
    'assumptions:',
    ...m.assumptions.map((a) => `  - ${a}`),
  ].join('\n');
}
