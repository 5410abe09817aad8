/**
 * Issue 12, defects 2, 5, 7, 8, 9: `npm start` as an operator meets it, in child processes.
 * - one engine per store: a second start on the same data folder fails with one line
 *   (ERR_STORE_LOCKED), a start on a port in use fails with one line (ERR_LISTEN, no
 *   SO_REUSEPORT sharing), and after kill -9 the folder can be opened again (stale lock);
 * - configuration: every problem one line naming the variable, exit 2, no stack; production
 *   refuses to start without client credentials;
 * - the compiled runtime (dist/, what `npm start` runs): no tsx, no esbuild process, health
 *   routes on both doors, files 0600 and folders 0700, both bind addresses printed and a warning
 *   for an ABIS door on all interfaces, graceful SIGTERM.
 * The compiled tests need `npm run build` (npm ci runs it); they say so and skip when dist/ is absent.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import net from 'node:net';

const ROOT = path.resolve(import.meta.dirname, '..');
const DIST_MAIN = path.join(ROOT, 'dist', 'api', 'main.js');
const hasDist = existsSync(DIST_MAIN) && existsSync(path.join(ROOT, 'dist', 'build', 'finger.wasm'));
if (!hasDist) console.log(`skipping the compiled-runtime tests: ${DIST_MAIN} is absent (run npm run build)`);

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'biodedup-start-'));
  dirs.push(d);
  return d;
}
async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

interface Run {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  readonly exited: Promise<number | null>;
}
/** Starts `npm start`'s entry (compiled, or the sources under tsx) with a clean environment. */
function start(env: Record<string, string>, compiled = hasDist): Run {
  const args = compiled ? [DIST_MAIN] : ['--import', 'tsx', path.join(ROOT, 'api', 'main.ts')];
  const child = spawn(process.execPath, args, {
    cwd: ROOT, env: { PATH: process.env.PATH ?? '', BIODEDUP_POOL_SIZE: '1', ID_CAPTURE_THREADS: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const run: Run = { child, stdout: '', stderr: '', exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
  child.stdout!.on('data', (d: Buffer) => (run.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (run.stderr += d.toString()));
  return run;
}
async function listening(run: Run, timeoutMs = 90_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!run.stdout.includes('ID service (public')) {
    if (run.child.exitCode !== null) throw new Error(`exited ${run.child.exitCode}: ${run.stderr}`);
    if (Date.now() > until) throw new Error(`not listening after ${timeoutMs} ms: ${run.stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('one engine per store, one process per port', () => {
  it('refuses a second start on the same data folder and on a port in use, one line each; after kill -9 the folder opens again', async () => {
    const dir = tempDir();
    const [abisPort, idPort, otherId, otherAbis] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const first = start({ DATA_DIR: dir, ABIS_PORT: String(abisPort), ID_PORT: String(idPort) });
    await listening(first);

    const sameFolder = start({ DATA_DIR: dir, ABIS_PORT: String(otherAbis), ID_PORT: String(otherId) });
    expect(await sameFolder.exited).toBe(1);
    const lockLine = sameFolder.stderr.split('\n').filter((l) => l.startsWith('biodedup: error'));
    expect(lockLine).toHaveLength(1);
    expect(lockLine[0]).toMatch(/ERR_STORE_LOCKED.*in use by process \d+/);
    noStack(sameFolder.stderr);

    const samePort = start({ DATA_DIR: tempDir(), ABIS_PORT: String(abisPort), ID_PORT: String(otherId) });
    expect(await samePort.exited).toBe(1);
    expect(samePort.stderr).toMatch(/biodedup: error \[ERR_LISTEN\]: the ABIS API could not listen on 127\.0\.0\.1:\d+/);
    noStack(samePort.stderr);
    const sameIdPort = start({ DATA_DIR: tempDir(), ABIS_PORT: String(otherAbis), ID_PORT: String(idPort) });
    expect(await sameIdPort.exited).toBe(1);
    expect(sameIdPort.stderr).toMatch(/ERR_LISTEN\]: the ID service could not listen/);

    first.child.kill('SIGKILL');
    await first.exited;
    expect(existsSync(path.join(dir, 'engine.lock'))).toBe(true); // left behind by kill -9…
    const again = start({ DATA_DIR: dir, ABIS_PORT: String(abisPort), ID_PORT: String(idPort) });
    await listening(again); // …and found stale
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
    expect(existsSync(path.join(dir, 'engine.lock'))).toBe(false);
  }, 240_000);
});

describe('configuration', () => {
  it('names every bad variable on one line, exits 2, prints no stack', async () => {
    const run = start({
      DATA_DIR: tempDir(), ABIS_DATASHARE_MAX_BYTES: '32 bananas', ABIS_DATASHARE_TIMEOUT_MS: 'NaN', ABIS_TOKEN: 'short', ID_CLIENT_BURST: '-3', ID_PORT: '70000',
    });
    expect(await run.exited).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(5);
    for (const name of ['ABIS_DATASHARE_MAX_BYTES', 'ABIS_DATASHARE_TIMEOUT_MS', 'ABIS_TOKEN', 'ID_CLIENT_BURST', 'ID_PORT']) {
      expect(lines.filter((l) => l.startsWith(`biodedup: configuration error: ${name} `))).toHaveLength(1);
    }
    expect(run.stderr).not.toContain('short'); // a secret is never echoed, even a bad one
    noStack(run.stderr);
  }, 60_000);

  it('production: refuses to start without client credentials (and without a key), one line each', async () => {
    const run = start({ BIODEDUP_ENV: 'production', DATA_DIR: tempDir(), ABIS_TOKEN: 'abis-token-0123456789', ID_OPERATOR_TOKEN: 'operator-token-0123456789' });
    expect(await run.exited).toBe(2);
    expect(run.stderr).toMatch(/configuration error: ID_CLIENT_TOKENS must be set when BIODEDUP_ENV=production/);
    expect(run.stderr).toMatch(/configuration error: BIODEDUP_TEMPLATE_KEY or BIODEDUP_TEMPLATE_KEY_FILE must be set/);
    noStack(run.stderr);
  }, 60_000);
});

describe.skipIf(!hasDist)('the compiled runtime (npm start)', () => {
  it('runs compiled JavaScript with no loader and no esbuild process; health routes on both doors; 0600/0700 files; a bind warning; graceful SIGTERM', async () => {
    const dir = tempDir();
    const [abisPort, idPort] = [await freePort(), await freePort()];
    const run = start({ DATA_DIR: dir, ABIS_PORT: String(abisPort), ID_PORT: String(idPort), ABIS_HOST: '0.0.0.0' });
    await listening(run);
    expect(run.stdout).toMatch(new RegExp(`ABIS API \\(internal\\) on http://0\\.0\\.0\\.0:${abisPort}/abis .*ID service \\(public, 1:1 only\\) on http://127\\.0\\.0\\.1:${idPort}`));
    expect(run.stderr).toMatch(/the ABIS door \(1:N, internal\) is bound to every interface/);
    // no child processes at all (tsx would have started esbuild), and no loader in the command line
    const children = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
      try {
        return readFileSyncSafe(`/proc/${p}/stat`).split(') ')[1]?.split(' ')[1] === String(run.child.pid);
      } catch {
        return false;
      }
    });
    expect(children).toEqual([]);
    expect(readFileSyncSafe(`/proc/${run.child.pid}/cmdline`)).not.toContain('tsx');
    for (const port of [abisPort, idPort]) {
      expect((await fetch(`http://127.0.0.1:${port}/health/live`)).status).toBe(200);
      let ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
      for (let i = 0; i < 100 && ready.status !== 200; i++) {
        expect(ready.status).toBe(503);
        await new Promise((r) => setTimeout(r, 100));
        ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
      }
      expect(await ready.json()).toEqual({ status: 'ready' });
    }
    // the data folder and everything in it: the user's only
    const walk = (d: string): void => {
      expect(statSync(d).mode & 0o777, d).toBe(0o700);
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else expect(statSync(p).mode & 0o777, p).toBe(0o600);
      }
    };
    walk(dir);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.stderr).toMatch(/"msg":"stopped"/);
  }, 180_000);
});

function readFileSyncSafe(file: string): string {
  return readFileSync(file, 'utf8');
}
