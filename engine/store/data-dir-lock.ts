/**
 * One engine per store: an exclusive lock on the data folder, held from open to close.
 *
 * Why a pid file and not flock: Node has no flock/fcntl API (a native addon for one call, or a
 * child `flock` process that outlives a kill -9 of its parent, were the alternatives), and LMDB
 * deliberately lets several processes share an environment — which is exactly how two engines
 * came to serve one store with two diverging in-memory galleries.
 *
 * The file `<dir>/engine.lock` is created with O_EXCL (atomic: of two starts, one creates it)
 * and names its owner precisely: pid, the process's start time (clock ticks since boot, from
 * /proc/<pid>/stat) and the boot id. After a kill -9 the file stays, and the next start finds it
 * stale — no such process, or a process with that pid but another start time (the pid was
 * reused), or another boot — and takes it over. A takeover is itself serialised by an O_EXCL
 * `engine.lock.break` file, and re-reads the lock inside it, so two starts that both saw a stale
 * lock cannot both win. Without /proc (not Linux) liveness is `kill(pid, 0)` alone.
 *
 * The lock is between processes: a second open in the process that holds it shares the lock
 * (counted; the file goes with the last release). `npm start` opens one engine; tests reopen a
 * folder in-process to simulate a crash.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, unlinkSync, writeSync, constants } from 'node:fs';
import { join } from 'node:path';
import { StoreError } from './store-error.ts';

export const LOCK_FILE = 'engine.lock';

interface Owner {
  readonly pid: number;
  readonly startTicks: string;
  readonly bootId: string;
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Field 22 of /proc/<pid>/stat (start time), or '' without /proc; undefined when the process does not exist. */
function startTicksOf(pid: number): string | undefined {
  const stat = readOrEmpty(`/proc/${pid}/stat`);
  if (stat === '') {
    if (readOrEmpty('/proc/self/stat') !== '') return undefined; // /proc exists, this pid does not
    try {
      process.kill(pid, 0);
      return '';
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM' ? '' : undefined;
    }
  }
  // the command name (field 2) may hold spaces and parentheses: count fields after the last ')'
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
}

const BOOT_ID = readOrEmpty('/proc/sys/kernel/random/boot_id').trim();

function me(): Owner {
  return { pid: process.pid, startTicks: startTicksOf(process.pid) ?? '', bootId: BOOT_ID };
}

function parse(text: string): Owner | undefined {
  try {
    const o = JSON.parse(text) as Partial<Owner>;
    if (Number.isInteger(o.pid) && typeof o.startTicks === 'string' && typeof o.bootId === 'string') return o as Owner;
  } catch {
    // a half-written file: its writer died between create and write, so it is stale
  }
  return undefined;
}

function alive(owner: Owner | undefined): owner is Owner {
  if (owner === undefined) return false;
  if (owner.bootId !== BOOT_ID) return false;
  const ticks = startTicksOf(owner.pid);
  return ticks !== undefined && (ticks === '' || owner.startTicks === '' || ticks === owner.startTicks);
}

function createExclusive(path: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Locks this process holds: lock file path → open count. */
const held = new Map<string, number>();

export class DataDirLock {
  readonly path: string;
  readonly #content: string;
  #released = false;

  private constructor(path: string, content: string) {
    this.path = path;
    this.#content = content;
  }

  /** Takes the folder's lock or throws StoreError ERR_STORE_LOCKED naming the holder. */
  static acquire(dir: string): DataDirLock {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, LOCK_FILE);
    const content = JSON.stringify(me());
    const count = held.get(path);
    if (count !== undefined && readOrEmpty(path) === content) {
      held.set(path, count + 1);
      return new DataDirLock(path, content);
    }
    for (let attempt = 0; attempt < 3; attempt++) {
      if (createExclusive(path, content)) {
        held.set(path, 1);
        return new DataDirLock(path, content);
      }
      const seen = readOrEmpty(path);
      const owner = parse(seen);
      if (alive(owner)) {
        throw new StoreError('ERR_STORE_LOCKED', `the data folder ${dir} is in use by process ${owner.pid}: one engine per store (lock file ${path})`);
      }
      DataDirLock.#breakStale(path, seen);
    }
    throw new StoreError('ERR_STORE_LOCKED', `the data folder ${dir} is being locked by another start (lock file ${path})`);
  }

  /** Removes a stale lock, once, under the break file; a lock that changed meanwhile is left alone. */
  static #breakStale(path: string, seen: string): void {
    const breaker = `${path}.break`;
    if (!createExclusive(breaker, JSON.stringify(me()))) {
      if (alive(parse(readOrEmpty(breaker)))) return; // someone else is breaking it: retry
      rmSync(breaker, { force: true }); // a breaker killed mid-way
      return;
    }
    try {
      if (readOrEmpty(path) === seen) rmSync(path, { force: true });
    } finally {
      rmSync(breaker, { force: true });
    }
  }

  /** Releases the lock (idempotent); only a file that is still ours is removed. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    const count = (held.get(this.path) ?? 1) - 1;
    if (count > 0) {
      held.set(this.path, count);
      return;
    }
    held.delete(this.path);
    if (readOrEmpty(this.path) === this.#content) {
      try {
        unlinkSync(this.path);
      } catch {
        // already gone: nothing held
      }
    }
  }
}
