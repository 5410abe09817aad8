/**
 * `npm run demo` (demo/main.ts): with --self-test it sends every request it prints and exits 0
 * only when each answer is the expected one; interactively it prints a curl line per request,
 * and those lines work as printed (run with the system's curl, skipped with a message without it).
 */
import { describe, expect, it } from 'vitest';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(import.meta.dirname, '..');
const run = promisify(execFile);
const hasCurl = ((): boolean => {
  try {
    execFileSync('curl', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!hasCurl) console.log('skipping the demo\'s printed curl lines: curl is missing');

describe('npm run demo', () => {
  it('answers every demo request as it says (--self-test)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'biodedup-demo-'));
    try {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', 'demo/main.ts', '--self-test'], { cwd: ROOT, env: { ...process.env, DEMO_DATA_DIR: path.join(dir, 'd') }, timeout: 90_000 });
      expect(stdout).toContain('9 of 9 demo requests answered as expected');
      expect(stdout).not.toContain('FAIL');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it.skipIf(!hasCurl)('prints curl lines that work as printed', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'biodedup-demo-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'demo/main.ts', '--port', '0', '--datashare-port', '0'], {
      cwd: ROOT, env: { ...process.env, DEMO_DATA_DIR: path.join(dir, 'd') }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (c: Buffer) => {
          out += c.toString();
          if (out.includes('Ctrl-C stops the demo.')) resolve();
        });
        child.on('exit', (code) => reject(new Error(`demo exited (${code}) before printing its lines`)));
      });
      const token = /^TOKEN=(\S+)$/m.exec(out)![1];
      const curls = out.split('\n').filter((l) => l.startsWith('curl '));
      expect(curls).toHaveLength(9);
      const answers: Record<string, unknown>[] = [];
      for (const line of curls) {
        const { stdout } = await run('bash', ['-c', line], { env: { ...process.env, TOKEN: token }, timeout: 30_000 });
        answers.push(JSON.parse(stdout) as Record<string, unknown>);
      }
      expect(answers.map((a) => a.returnValue)).toEqual(Array(9).fill('1'));
      expect(answers[3]).toMatchObject({ candidateList: { count: '1', candidates: [{ referenceId: 'A-2' }] } });
      expect(answers[8]).toMatchObject({ count: '2' });
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
