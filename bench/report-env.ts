/** The environment a report was measured in: what a reader needs to compare two reports. */
import { execFileSync } from 'node:child_process';
import { arch, availableParallelism, cpus, platform, release, totalmem } from 'node:os';
import { projectRoot } from './data-dir.ts';

export interface Environment {
  cpuModel: string;
  /** Logical cores Node can use. */
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  /** Project commit, with " (modified)" when the working tree differs from it; "unknown" outside git. */
  commit: string;
  /** When the report was made, ISO 8601 UTC. */
  date: string;
  /** The command line that made the report. */
  command: string;
}

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: projectRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
  } catch {
    return null;
  }
}

export function environment(command: string, now = new Date()): Environment {
  const head = git(['rev-parse', 'HEAD']);
  const dirty = head !== null && (git(['status', '--porcelain', '--untracked-files=no']) ?? '') !== '';
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${release()} ${arch()}`,
    node: process.version,
    commit: head === null ? 'unknown' : `${head}${dirty ? ' (modified)' : ''}`,
    date: now.toISOString(),
    command,
  };
}
