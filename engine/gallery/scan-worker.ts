/**
 * The pool worker: instantiates the kernels once (on first use), then runs whatever a task
 * names on whatever shard it names (the shard's memory comes with the task as a shared handle):
 * a full-matcher scan, a vector prefilter scan, or the fill of prefilter vectors.
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
  if (!('kind' in task)) return scanner.scan(task);
  if (task.kind === 'iris-coarse') return (irisCoarse ??= new IrisCoarseScanner()).scan(task);
  vectors ??= new VectorScanner();
  return task.kind === 'vectors' ? vectors.scan(task) : vectors.vectorize(task);
}
