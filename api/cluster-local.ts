/**
 * `npm run cluster -- --nodes N [--nats-servers K] [--shards S]`: a whole cluster on loopback
 * for development and demos — K nats-server processes with JetStream (one JetStream cluster when
 * K > 1) in a temporary folder, N engine nodes (engine/cluster/node-main.ts), and the doors
 * (api/main.ts with BIODEDUP_NATS). One line per door says where it listens; Ctrl-C stops
 * everything and removes the folder. Door ports: ABIS_PORT / ID_PORT as for `npm start`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateTemplateKey } from '../engine/index.ts';
import { natsServerPath, startNatsServers } from '../engine/cluster/local-nats.ts';

const PROJECT = resolve(fileURLToPath(import.meta.url), '..', '..');
const { values } = parseArgs({ options: { nodes: { type: 'string', default: '3' }, 'nats-servers': { type: 'string', default: '1' }, shards: { type: 'string' } } });
const nodes = Number(values.nodes), servers = Number(values['nats-servers']);
if (!Number.isInteger(nodes) || nodes < 1 || nodes > 32 || !Number.isInteger(servers) || servers < 1 || servers > 7) {
  process.stderr.write('usage: npm run cluster -- --nodes N (1–32) [--nats-servers K (1–7)] [--shards S]\n');
  process.exit(2);
}
if (natsServerPath === null) {
  process.stderr.write('nats-server is not installed: apt-get install nats-server (Debian)\n');
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), 'biodedup-cluster-'));
const children: ChildProcess[] = [];
const out = (line: string): void => { process.stdout.write(`${line}\n`); };
const nats = await startNatsServers(dir, servers, out);
for (const url of nats.urls) out(`NATS (JetStream${servers > 1 ? `, cluster of ${servers}` : ''}) on ${url}`);
const keyHex = generateTemplateKey(); // one key for the nodes and the doors; lives only as long as this cluster
const env = { ...process.env, BIODEDUP_TEMPLATE_KEY: keyHex, BIODEDUP_TEMPLATE_KEY_FILE: '' };

const launch = (name: string, args: string[], extraEnv: NodeJS.ProcessEnv, onLine: (line: string) => void): ChildProcess => {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: PROJECT, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let buffered = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    lines.forEach(onLine);
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => process.stderr.write(`[${name}] ${chunk}`));
  child.once('exit', (code, signal) => { if (!stopping) out(`${name} exited (${code ?? signal})`); });
  return child;
};

const ready = Array.from({ length: nodes }, (_, i) => new Promise<void>((resolveReady) => {
  const id = `node${i + 1}`;
  launch(id, [join(PROJECT, 'engine', 'cluster', 'node-main.ts'), '--nats', nats.urls.join(','), '--node-id', id, '--data-dir', join(dir, id),
    '--initial-nodes', String(nodes), ...(values.shards === undefined ? [] : ['--shards', values.shards])], {}, (line) => {
    if (line.includes(`node ${id} ready`)) { out(`engine node ${id} ready (data in ${join(dir, id)})`); resolveReady(); }
  });
}));
await Promise.all(ready);
launch('doors', [join(PROJECT, 'api', 'main.ts')], { BIODEDUP_NATS: nats.urls.join(','), DATA_DIR: join(dir, 'doors') }, (line) => {
  const doors = /^(ABIS API .*?); (ID service .*?) — (.*)$/.exec(line);
  if (doors === null) return out(`[doors] ${line}`);
  out(doors[1]);
  out(doors[2]);
  out(`(${doors[3]}; Ctrl-C stops the cluster)`);
});

let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  const exits = children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => new Promise<void>((r) => { c.once('exit', () => r()); c.kill('SIGTERM'); }));
  await Promise.all(exits);
  await nats.stop();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
