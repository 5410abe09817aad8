/**
 * Peers' score files, drawn on the report's DET axes beside our curves.
 *
 * Format: the accuracy bench's `--scores` file, `probe<TAB>gallery<TAB>score` per line, higher
 * = more similar (negate a distance first); `-inf` / `inf` allowed; blank lines and lines
 * starting with # skipped. With several sets, names carry the set label ("DB1_B/101_1"), as our
 * own scores file does. Genuine or impostor is not in the file: each line is matched by name
 * (either order) to a pair of this run's protocol, whose identities decide; lines matching no
 * pair are counted and left out, and the page says how many of our pairs the peer covered.
 * Scores on any scale work: a DET curve depends only on the order of the scores.
 */
import { readFileSync } from 'node:fs';
import { EngineError } from '../engine/index.ts';
import { computeErrorRates, type DetPoint } from './metrics.ts';
import type { SetResult } from './accuracy.ts';
import { FMR_TARGETS, operatingPoint, scoreLists, type OperatingPoint } from './report-stats.ts';

export interface PeerSpec {
  name: string;
  file: string;
}

export interface PeerCurve {
  peer: string;
  /** Our set's label. */
  set: string;
  genuine: number;
  impostor: number;
  /** Our protocol pairs of this set the peer has no line for. */
  uncovered: number;
  eer: number;
  points: OperatingPoint[];
  det: DetPoint[];
}

export interface PeerResult {
  name: string;
  file: string;
  lines: number;
  /** Lines that matched no protocol pair of any set. */
  unmatched: number;
  curves: PeerCurve[];
}

/** "NAME=FILE" → spec; ERR_BENCH_OPTION otherwise. */
export function parsePeerSpec(spec: string): PeerSpec {
  const at = spec.indexOf('=');
  if (at <= 0 || at === spec.length - 1) throw new EngineError('ERR_BENCH_OPTION', `--peer wants NAME=SCORES.tsv, got "${spec}"`);
  return { name: spec.slice(0, at), file: spec.slice(at + 1) };
}

function parseScore(text: string, file: string, line: number): number {
  if (text === '-inf') return -Infinity;
  if (text === 'inf') return Infinity;
  const v = Number(text);
  if (text.trim() === '' || Number.isNaN(v)) throw new EngineError('ERR_PEER_SCORES', `${file} line ${line}: score "${text}" is not a number (or -inf / inf)`);
  return v;
}

const pairKey = (a: string, b: string): string => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);

/** Reads a peer's file and scores it against each set's protocol pairs. ERR_PEER_SCORES / ERR_PEER_NO_PAIRS. */
export function readPeer(spec: PeerSpec, results: readonly SetResult[]): PeerResult {
  let text: string;
  try {
    text = readFileSync(spec.file, 'utf8');
  } catch (cause) {
    throw new EngineError('ERR_PEER_SCORES', `peer ${spec.name}: cannot read ${spec.file}`, { cause });
  }
  const qualify = results.length > 1;
  // Pair name → (set index, genuine).
  const truth = new Map<string, { set: number; genuine: boolean }>();
  results.forEach((r, k) => {
    const name = (n: string): string => (qualify ? `${r.label}/${n}` : n);
    for (const p of r.pairs) truth.set(pairKey(name(p.probe), name(p.gallery)), { set: k, genuine: p.genuine });
  });
  const scores = results.map(() => new Map<string, { score: number; genuine: boolean }>());
  let lines = 0;
  let unmatched = 0;
  text.split(/\r?\n/).forEach((raw, k) => {
    if (raw.trim() === '' || raw.startsWith('#')) return;
    lines++;
    const fields = raw.split('\t');
    if (fields.length < 3) throw new EngineError('ERR_PEER_SCORES', `${spec.file} line ${k + 1}: expected probe<TAB>gallery<TAB>score`);
    const key = pairKey(fields[0].trim(), fields[1].trim());
    const t = truth.get(key);
    if (t === undefined) { unmatched++; return; }
    scores[t.set].set(key, { score: parseScore(fields[2].trim(), spec.file, k + 1), genuine: t.genuine });
  });
  const curves: PeerCurve[] = [];
  results.forEach((r, k) => {
    const list = [...scores[k].values()];
    const genuine = Float64Array.from(list.filter((p) => p.genuine), (p) => p.score);
    const impostor = Float64Array.from(list.filter((p) => !p.genuine), (p) => p.score);
    if (genuine.length === 0 || impostor.length === 0) return;
    const rates = computeErrorRates(genuine, impostor);
    const lists = scoreLists(list.map((p) => ({ probe: '', gallery: '', score: p.score, genuine: p.genuine })));
    curves.push({
      peer: spec.name, set: r.label, genuine: genuine.length, impostor: impostor.length,
      uncovered: r.pairs.length - list.length, eer: rates.eer, points: FMR_TARGETS.map((f) => operatingPoint(lists, f)), det: rates.det,
    });
  });
  if (curves.length === 0) {
    throw new EngineError('ERR_PEER_NO_PAIRS', `peer ${spec.name}: none of the ${lines} lines of ${spec.file} gives both genuine and impostor pairs of this run's protocol (names must match ours${qualify ? ', prefixed by the set label as in "DB1_B/101_1"' : ''})`);
  }
  return { name: spec.name, file: spec.file, lines, unmatched, curves };
}
