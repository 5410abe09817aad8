/**
 * The SIGKILL harness the crash tests share: runs a writer script (node --import tsx) that
 * prints one line per acknowledged write, kills it with SIGKILL once `target` lines arrived
 * (writes still in flight), and resolves with the acknowledged lines. A writer that ends by
 * itself, or never reaches the target before the watchdog, fails the test.
 */
import { spawn } from 'node:child_process';

export interface KillWriterOptions {
  readonly script: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly target: number;
  readonly watchdogMs: number;
}

export function runWriterAndKill(o: KillWriterOptions): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', o.script, ...o.args], { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let pending = '', stderr = '', killedWhileRunning = false;
    const acknowledged: string[] = [];
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!; // only complete lines count as acknowledged
      acknowledged.push(...lines);
      if (acknowledged.length >= o.target && !killedWhileRunning && child.exitCode === null) {
        killedWhileRunning = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const watchdog = setTimeout(() => child.kill('SIGKILL'), o.watchdogMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(watchdog);
      if (!killedWhileRunning || signal !== 'SIGKILL') {
        reject(new Error(`writer ended by itself (code ${code}, signal ${signal}) after ${acknowledged.length} acks: ${stderr}`));
      } else resolve(acknowledged);
    });
  });
}
