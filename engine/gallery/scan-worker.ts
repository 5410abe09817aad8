/**
 * The pool worker: instantiates the kernels once (on first use), then runs whatever a task
 * names on whatever shard it names (the shard's memory comes with the task as a shared handle):
 * a full-matcher scan, a vector prefilter scan, or the fill of prefilter vectors.
 */
import { ShardScanner } from './shard-scanner.ts';
import { VectorScanner } from './vector-scanner.ts';
import type { PoolTask, ScanResult, VectorScanResult } from './scan-task.ts';

const scanner = new ShardScanner();
let vectors: VectorScanner | undefined;

export default function runTask(task: PoolTask): ScanResult | VectorScanResult | number {
  const started = performance.now();
  if (!('kind' in task)) return { ...scanner.scan(task), busyMs: performance.now() - started };
  vectors ??= new VectorScanner();
  if (task.kind === 'vectorize') return vectors.vectorize(task);
  return { ...vectors.scan(task), busyMs: performance.now() - started };
}
