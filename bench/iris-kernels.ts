/**
 * Iris kernel builds side by side (parameter experiments, issue 14): each build's accuracy on
 * both iris sets — CASIA-V1 subset cross-session and MMU1 all pairs — on the tuning half, the
 * check half and the whole set, in one run. A build is an `asc matchers-wasm/iris/index.ts
 * --target iris --outFile F` of some parameters; the choice is made on the first halves and
 * reported on the second and the whole sets (docs/iris-sensors.md).
 *
 *   node --import tsx bench/iris-kernels.ts --kernel base=/tmp/base.wasm --kernel new=build/iris.wasm
 *        [--casia DIR] [--mmu1 DIR] [--parts first,second,full] [--json FILE]
 *
 * Impostor shares at ≥ 20 / ≥ 30 use the engine's fitted calibration (engine/iris-calibration.ts),
 * so they mean something only for builds whose raw scale that calibration was fitted on.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { IrisMatcher } from '../engine/iris-matcher.ts';
import { EngineError } from '../engine/errors.ts';
import { listCasiaIrisSamples, type IrisSample } from '../datasets/casia-iris.ts';
import { listMmu1Samples } from '../datasets/mmu1.ts';
import { evaluateIrisSet, irisHalf, IRIS_PROTOCOL, type IrisProtocol } from './iris-accuracy.ts';
import { wilson } from './report-stats.ts';

type Part = 'first' | 'second' | 'full';
const PARTS: readonly Part[] = ['first', 'second', 'full'];

interface Row {
  kernel: string; set: string; part: Part; samples: number; fte: number; failures: number;
  genuine: number; impostor: number; eer: number; fmr100: number; fmr1000: number;
  fnmrFailures1000: number; impostorShareAt20: number; impostorShareAt30: number; extractMsMedian: number | null;
}

function partOf(samples: IrisSample[], part: Part): IrisSample[] {
  return part === 'full' ? samples : irisHalf(samples, part);
}

function main(): void {
  const { values } = parseArgs({
    options: {
      kernel: { type: 'string', multiple: true }, casia: { type: 'string' }, mmu1: { type: 'string' },
      parts: { type: 'string' }, json: { type: 'string' },
    },
  });
  const data = process.env.BIODEDUP_DATA ?? join(import.meta.dirname, '..', '..', 'shared', 'data');
  const kernels = (values.kernel ?? ['current=']).map((k) => {
    const at = k.indexOf('=');
    if (at < 1) throw new EngineError('ERR_BENCH_OPTION', `--kernel takes NAME=FILE (FILE empty: build/iris.wasm), got "${k}"`);
    return { name: k.slice(0, at), file: k.slice(at + 1) || undefined };
  });
  const parts = (values.parts ?? 'first,second,full').split(',') as Part[];
  for (const p of parts) if (!PARTS.includes(p)) throw new EngineError('ERR_BENCH_OPTION', `--parts takes ${PARTS.join(',')}, got "${p}"`);
  const sets: Array<{ label: string; samples: IrisSample[]; protocol: IrisProtocol }> = [
    { label: 'casia-v1-subset', samples: listCasiaIrisSamples(values.casia ?? join(data, 'iris', 'casia-v1-subset')), protocol: IRIS_PROTOCOL },
    { label: 'mmu1', samples: listMmu1Samples(values.mmu1 ?? join(data, 'iris', 'mmu1')), protocol: 'all-pairs' },
  ];
  const rows: Row[] = [];
  console.log('kernel       set              part    FTE        EER %   FMR100 %  FMR1000 % (n, Wilson 95 %)        imp≥20 %  imp≥30 %  extract ms');
  for (const set of sets) {
    for (const part of parts) {
      for (const k of kernels) {
        const r = evaluateIrisSet(set.label, set.label, partOf(set.samples, part), set.protocol, new IrisMatcher(k.file));
        const g = r.report.genuine;
        const missed = Math.round(r.report.fmr1000 * g);
        const { low: lo, high: hi } = wilson(missed, g);
        const row: Row = {
          kernel: k.name, set: set.label, part, samples: r.samples, fte: r.report.fte, failures: r.failures.length,
          genuine: g, impostor: r.report.impostor, eer: r.report.eer, fmr100: r.report.fmr100, fmr1000: r.report.fmr1000,
          fnmrFailures1000: missed, impostorShareAt20: r.impostorShareAt20, impostorShareAt30: r.impostorShareAt30, extractMsMedian: r.report.extractMsMedian,
        };
        rows.push(row);
        const pct = (x: number): string => (100 * x).toFixed(2);
        console.log(
          `${k.name.padEnd(12)} ${set.label.padEnd(16)} ${part.padEnd(7)} ${`${row.failures}/${row.samples}`.padEnd(9)} ${pct(row.eer).padStart(6)} ${pct(row.fmr100).padStart(9)} ${pct(row.fmr1000).padStart(9)} (${missed}/${g}, ${pct(lo)}–${pct(hi)})`.padEnd(92) +
          ` ${pct(row.impostorShareAt20).padStart(7)} ${pct(row.impostorShareAt30).padStart(9)} ${(row.extractMsMedian ?? NaN).toFixed(1).padStart(10)}`,
        );
      }
    }
  }
  if (values.json !== undefined) writeFileSync(values.json, JSON.stringify(rows, null, 2));
}

main();
