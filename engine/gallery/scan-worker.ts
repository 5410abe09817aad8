/**
 * The pool worker: instantiates the kernels once (on first use), then runs whatever a task
 * names on whatever shard it names (the shard's memory comes with the task as a shared handle):
 * a full-matcher scan, a vector prefilter scan, the fill of prefilter vectors, or the iris
 * coarse pass. Scans report the worker's busy time (IdentifyResult.stages).
 */
import { ShardScanner } from './shard-scanner.ts';
import { VectorScanner } from './vector-scanner.ts';
import type { PoolTask, ScanResult, VectorScanResult } from './scan-task.ts';
import { IrisCoarseScanner } from './iris-coarse-scan.ts';
import type { IrisCoarseResult, IrisCoarseTask } from './iris-coarse-task.ts';

const scanner = new ShardScanner();
let vectors: VectorScanner | undefined;
let irisCoarse: IrisCoarseScanner | undefined;

export default function runTask(task: PoolTask | IrisCoarseTask): ScanResult | VectorScanResult | IrisCoarseResult | number {
  const started = performance.now();
  if (!('kind' in task)) return { ...scanner.scan(task), busyMs: performance.now() - started };
  if (task.kind === 'iris-coarse') return (irisCoarse ??= new IrisCoarseScanner()).scan(task);
  vectors ??= new VectorScanner();
  if (task.kind === 'vectorize') return vectors.vectorize(task);
  return { ...vectors.scan(task), busyMs: performance.now() - started };
}
