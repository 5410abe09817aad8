/**
 * The pool worker: instantiates the kernels once (on first use), then scans whatever shard a
 * task names (the shard's memory comes with the task as a shared handle).
 */
import { ShardScanner } from './shard-scanner.ts';
import type { ScanResult, ScanTask } from './scan-task.ts';

const scanner = new ShardScanner();

export default function scanShard(task: ScanTask): ScanResult {
  return scanner.scan(task);
}
