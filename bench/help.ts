/**
 * `npm run bench -- help COMMAND`: one table per command (flag, value, default, what it does)
 * and examples to copy. The per-command usage strings in cli.ts stay for usage errors; a test
 * (test/bench-help.test.ts) checks every flag here is one the command's parser accepts.
 */

export interface FlagHelp {
  flag: string;
  /** Placeholder for the value; absent for switches. */
  value?: string;
  /** Default, in words ("finger", "none: generated data"). */
  fallback?: string;
  what: string;
  repeatable?: boolean;
}

export interface CommandHelp {
  summary: string;
  flags: FlagHelp[];
  examples: string[];
}

const SET_FLAGS: FlagHelp[] = [
  { flag: 'modality', value: 'finger|iris', fallback: 'finger', what: 'what the samples are' },
  { flag: 'set', value: 'DIR[@DPI] | MANIFEST.csv', fallback: 'generated data (finger)', repeatable: true, what: 'a set folder (csv layout: a manifest); @DPI gives that set its resolution' },
  { flag: 'layout', value: 'fvc|neurotech|casia|folders|csv', fallback: 'fvc; iris: casia', what: 'how files say whose they are: FFF_I, PPP_F_I, EEE/S/EEE_S_I.bmp, IDENTITY/[SESSION/…/]FILE, or a manifest file,identity[,session][,finger-position]' },
  { flag: 'input', value: 'iso|images', fallback: 'iso', what: 'finger fvc/neurotech: ISO 19794-2 records or images through the extractor (folders/csv: by extension)' },
  { flag: 'dpi', value: 'N', fallback: "records' own; images 500", what: 'resolution of the samples; other than 500 is resampled before extraction' },
  { flag: 'protocol', value: 'all-pairs|fvc|cross-session', fallback: 'all-pairs; casia: cross-session', what: 'which pairs: every pair, FVC official impostors, or pairs across sessions (later session probes)' },
];

export const COMMAND_HELP: Record<string, CommandHelp> = {
  accuracy: {
    summary: 'Verification accuracy per set: FTE, EER, FMR100, FMR1000, ZeroFMR, comparisons/s, calibration check, DET plot.',
    flags: [
      ...SET_FLAGS,
      { flag: 'json', value: 'FILE', what: 'the report (one object, or an array for several sets) and a DET plot beside it (.det.svg)' },
      { flag: 'scores', value: 'FILE', what: 'every comparison: probe<TAB>gallery<TAB>score (−inf: failed to enrol)' },
    ],
    examples: [
      'npm run bench -- accuracy --set ../shared/data/fingerprint/fvc2002-iso/DB1_B --json out/acc.json --scores out/scores.tsv',
      'npm run bench -- accuracy --layout folders --protocol cross-session --set ~/my-prints',
      'npm run bench -- accuracy --modality iris --layout csv --set ~/eyes/manifest.csv',
    ],
  },
  report: {
    summary: 'One self-contained HTML page (DET curves, histograms with thresholds, calibration, FTE reasons, peers, identify and speed figures, environment), with report.json, summary.tsv and scores.tsv beside it.',
    flags: [
      { flag: 'out', value: 'DIR', fallback: '(required)', what: 'where index.html, report.json, summary.tsv and scores.tsv go' },
      ...SET_FLAGS.map((f) => (f.flag === 'input' ? { ...f, fallback: 'iso when the folder has .iso files, else images' } : f)),
      { flag: 'peer', value: 'NAME=SCORES.tsv', repeatable: true, what: "another system's scores of the same pairs (probe<TAB>gallery<TAB>score, higher = more similar), dashed on the same DET axes" },
      { flag: 'identify', value: 'FILE', what: 'JSON from `bench identify --json`: FNIR/FPIR with intervals, latency, throughput' },
      { flag: 'speed', value: 'FILE', what: 'JSON from `bench speed --json`: each figure beside its same-run baseline' },
    ],
    examples: [
      'npm run bench -- report --out /tmp/r --set ../shared/data/fingerprint/fvc2002/DB1_B',
      'npm run bench -- report --out /tmp/r --set DB1_B --peer "vendor X=vendor-x-scores.tsv" --speed out/speed.json',
      'npm run bench -- report --out /tmp/iris --modality iris --layout casia --set ../shared/data/iris/casia-v1-subset',
    ],
  },
  speed: {
    summary: 'One-thread 1:N scan speed (SIMD kernel against the scalar baseline), iris rotation search against a plain scan, extraction and template building, each beside its baseline in the same run.',
    flags: [
      { flag: 'set', value: 'DIR', fallback: '<data>/fingerprint/fvc2002-iso/DB1_B..DB4_B', repeatable: true, what: "finger gallery from this folder's .iso files" },
      { flag: 'iris-set', value: 'DIR', fallback: '<data>/iris/casia-v1-subset', what: 'iris gallery (CASIA layout); skipped with a warning when absent' },
      { flag: 'json', value: 'FILE', what: 'the figures as one flat JSON object (what report --speed reads)' },
    ],
    examples: ['npm run bench -- speed --json out/speed.json'],
  },
  calibrate: {
    summary: 'Fits the score calibration (raw → −10·log10 FMR) on impostor pairs and prints the constants of engine/*-calibration.ts.',
    flags: [
      { flag: 'modality', value: 'finger|iris', fallback: 'finger', what: 'finger: impostors across two sets or more; iris: session-1 impostors of CASIA-layout sets' },
      { flag: 'set', value: 'DIR', repeatable: true, what: 'the sets to fit on' },
      { flag: 'real', what: "finger: the engine's calibration, fitted on every real impostor pair of the fit half under <data>/fingerprint (no --set)" },
    ],
    examples: ['npm run bench -- calibrate --real', 'npm run bench -- calibrate --set ../shared/data/fingerprint/fvc2002-iso/DB1_B --set ../shared/data/fingerprint/fvc2002-iso/DB2_B'],
  },
  store: {
    summary: 'Durable-store load figures: inserts/s (concurrent and serial) and the shard-rebuild read.',
    flags: [
      { flag: 'subjects', value: 'N', fallback: '10000', what: 'subjects inserted (2 templates each)' },
      { flag: 'in-flight', value: 'C', fallback: '64', what: 'concurrent inserts' },
      { flag: 'serial', value: 'S', fallback: '300', what: 'subjects inserted one at a time (acknowledged each)' },
      { flag: 'template-bytes', value: 'B', fallback: '4096', what: 'bytes per template' },
      { flag: 'dir', value: 'DIR', fallback: 'a new temporary folder', what: 'where the store is written' },
      { flag: 'json', value: 'FILE', what: 'the figures as JSON' },
    ],
    examples: ['npm run bench -- store --subjects 20000 --json out/store.json'],
  },
  'cold-tier': {
    summary: 'What a two-tier finger gallery would cost: reading and decrypting candidates\' templates from LMDB, beside comparing them.',
    flags: [
      { flag: 'store', value: 'DIR', fallback: '(required)', what: 'an identify-bench store (its bench-gallery.json names the key)' },
      { flag: 'subjects', value: 'N', fallback: '100000', what: 'subjects read from the store into the lean test tiers' },
      { flag: 'fetch', value: 'F', fallback: '20000', what: 'candidate subjects fetched per round' },
      { flag: 'rounds', value: 'R', fallback: '3', what: 'rounds (medians reported)' },
      { flag: 'json', value: 'FILE', what: 'the figures as JSON' },
    ],
    examples: ['npm run bench -- cold-tier --store /tmp/biodedup-identify-100000-2-1 --subjects 50000 --fetch 10000'],
  },
  identify: {
    summary: '1:N identify at scale on a generated gallery with real persons planted: load, memory, latency, throughput, FNIR/FPIR.',
    flags: [
      { flag: 'gallery', value: 'N', fallback: '(required)', what: 'finger templates in the gallery (N / fingers subjects)' },
      { flag: 'fingers', value: 'F', fallback: '2', what: 'fingers per subject and per probe' },
      { flag: 'mode', value: 'exhaustive|prefilter', fallback: 'exhaustive', what: 'score every subject, or the prefilter candidates only' },
      { flag: 'probes', value: 'P', fallback: '200', what: 'at most P mated and P non-mated searches' },
      { flag: 'threads', value: 'T', fallback: 'all cores', what: 'worker threads' },
      { flag: 'seed', value: 'S', fallback: '1', what: 'generator seed of the background' },
      { flag: 'target-fpir', value: 'X', fallback: '30', what: 'score threshold for FNIR/FPIR (calibrated score)' },
      { flag: 'penetration', value: 'P', fallback: "the engine's (0.05)", what: 'prefilter share of the gallery kept per probe' },
      { flag: 'store', value: 'DIR', fallback: '$TMPDIR/biodedup-identify-N-F-S', what: 'the gallery store, built once and reused' },
      { flag: 'json', value: 'FILE', what: 'every figure (what report --identify reads)' },
      { flag: 'modality', value: 'iris', fallback: 'fingers', what: 'iris: N codes of two-eye subjects, the coarse first pass beside the exhaustive search on the same probes (identify-iris-cli.ts)' },
    ],
    examples: ['npm run bench -- identify --gallery 100000 --mode exhaustive --probes 20 --json out/id.json', 'npm run bench -- identify --modality iris --gallery 1000000 --probes 100 --json out/id-iris.json'],
  },
  http: {
    summary: 'Both doors under load on loopback (ID service verify, ABIS identify), beside GET /openapi.json.',
    flags: [
      { flag: 'subjects', value: 'N', fallback: '100000', what: 'gallery subjects (2 fingers each, fvc2002-iso persons planted)' },
      { flag: 'store', value: 'DIR', fallback: '$TMPDIR/biodedup-http-N', what: 'the gallery store, built once and reused' },
      { flag: 'seconds', value: 'S', fallback: '10', what: 'seconds per scenario' },
      { flag: 'rate', value: 'R', fallback: '500', what: 'open-loop requests per second' },
      { flag: 'concurrency', value: 'C', fallback: '16', what: 'closed-loop connections' },
      { flag: 'enrolments', value: 'E', fallback: '50', what: 'timed POST /enrol calls (removed at the end)' },
      { flag: 'image-concurrency', value: 'C', fallback: '2', what: 'connections for verify with images' },
      { flag: 'identify-concurrency', value: 'C', fallback: '2', what: 'connections for ABIS identify' },
      { flag: 'json', value: 'FILE', what: 'every figure' },
    ],
    examples: ['npm run bench -- http --subjects 100000 --seconds 10 --json out/http.json'],
  },
};

/** Words wrapped to `width` columns. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > width) { lines.push(line); line = word; } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines.length === 0 ? [''] : lines;
}

/** The help of one command: summary, a flag table, examples. */
export function formatCommandHelp(command: string, help: CommandHelp, width = 110): string {
  const rows = help.flags.map((f) => [
    `--${f.flag}${f.repeatable ? ' …' : ''}`,
    f.value ?? '',
    f.fallback ?? '—',
    f.what,
  ]);
  const header = ['flag', 'value', 'default', 'what'];
  const cap = [22, 22, 20];
  const widths = cap.map((c, k) => Math.min(c, Math.max(header[k].length, ...rows.map((r) => r[k].length))));
  const whatWidth = Math.max(30, width - widths.reduce((a, b) => a + b + 2, 0));
  const out = [`npm run bench -- ${command}`, '', ...wrap(help.summary, width), ''];
  const render = (cells: string[]): void => {
    const columns = cells.map((c, k) => wrap(c, k < 3 ? widths[k] : whatWidth));
    const height = Math.max(...columns.map((c) => c.length));
    for (let i = 0; i < height; i++) out.push(columns.map((c, k) => (c[i] ?? '').padEnd(k < 3 ? widths[k] : 0)).join('  ').trimEnd());
  };
  render(header);
  out.push(widths.map((w) => '-'.repeat(w)).concat('-'.repeat(Math.min(whatWidth, 40))).join('  '));
  for (const r of rows) render(r);
  out.push('', 'examples:', ...help.examples.map((e) => `  ${e}`));
  return out.join('\n');
}
