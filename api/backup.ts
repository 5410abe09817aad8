/**
 * Backup of a data folder's LMDB environments — the engine's subject store (templates sealed),
 * the ID service's records (UINs, cases, audit, idempotency) and the ABIS job log — as
 * consistent snapshots (LMDB's copy under a read transaction: writers keep going).
 *
 *   DATA_DIR=/var/lib/biodedup node dist/api/backup.js /backups/biodedup-2026-12-03
 *
 * Each environment is copied as of its own read transaction; the ID service's is taken first,
 * so a restored set can only hold engine subjects the ID service has not decided yet — which
 * the service's start-up treats like a crash (undecided subjects are rolled back) — never a UIN
 * without its subject. For a set taken at one instant, stop the service first (docs/production.md).
 * The template key is not in the backup (keep it apart: a stolen backup without it is sealed data).
 * Restore = put the folder in place as DATA_DIR and start with the same key.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { open } from 'lmdb';

/** Environments of a data folder, in backup order (see the module comment), relative to it. */
export const DATA_ENVIRONMENTS = ['id-service', 'abis-jobs', '.'] as const;

export interface BackupReport {
  readonly environments: readonly string[];
}

export async function backupDataDir(dataDir: string, destination: string, options: { compact?: boolean } = {}): Promise<BackupReport> {
  if (existsSync(destination) && readdirSync(destination).length > 0) throw new Error(`backup destination ${destination} is not empty`);
  mkdirSync(destination, { recursive: true, mode: 0o700 });
  const done: string[] = [];
  for (const name of DATA_ENVIRONMENTS) {
    const source = join(dataDir, name);
    if (!existsSync(join(source, 'data.mdb'))) continue;
    const target = join(destination, name);
    mkdirSync(target, { recursive: true, mode: 0o700 });
    const env = open({ path: source }); // LMDB is multi-process: this opens beside a running engine (no write is made)
    try {
      await env.backup(target, options.compact ?? false); // LMDB writes target/data.mdb
    } finally {
      await env.close();
    }
    done.push(name);
  }
  if (!done.includes('.')) throw new Error(`no engine store in ${dataDir} (no data.mdb)`);
  return { environments: done };
}

// the command line: DATA_DIR=… node dist/api/backup.js DEST
if (import.meta.url === `file://${process.argv[1]}`) {
  const dataDir = process.env.DATA_DIR;
  const destination = process.argv[2];
  if (!dataDir || !destination) {
    process.stderr.write('usage: DATA_DIR=<data folder> node dist/api/backup.js <empty destination folder>\n');
    process.exit(2);
  }
  process.umask(0o077);
  try {
    const report = await backupDataDir(dataDir, destination, { compact: process.argv.includes('--compact') });
    process.stdout.write(`backed up ${report.environments.join(', ')} of ${dataDir} to ${destination}\n`);
  } catch (error) {
    process.stderr.write(`biodedup backup: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
