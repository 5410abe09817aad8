/**
 * The pool worker: instantiates the kernels once, then scans whatever shard a task names
 * (the shard's memory comes with the task as a shared handle).
 */
import { FingerScanner } from './finger-scanner.ts';
import type { ScanResult, ScanTask } from './scan-task.ts';

const finger = new FingerScanner();

export default function scanShard(task: ScanTask): ScanResult {
  return finger.scan(task);
}
