/**
 * Engine nodes as child processes (node-main.ts) for the cluster tests and bench, so one can be
 * killed with SIGKILL; and a replica's subject count asked directly, not through a door.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { encodeMessage, decodeMessage, type NodeReply } from './node-rpc.ts';
import { rpcSubject } from './cluster-infra.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PROJECT = path.resolve(HERE, '..', '..');
const NODE_MAIN = path.join(HERE, 'node-main.ts');

export interface NodeProcess {
  readonly id: string;
  readonly child: ChildProcess;
  readonly lines: string[];
  ready: Promise<void>;
}

export function spawnNode(id: string, dataDir: string, urls: readonly string[], keyHex: string, args: readonly string[], poolSize = 1): NodeProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', NODE_MAIN, '--nats', urls.join(','), '--node-id', id, '--data-dir', dataDir, ...args], {
    cwd: PROJECT, env: { ...process.env, BIODEDUP_TEMPLATE_KEY: keyHex, BIODEDUP_TEMPLATE_KEY_FILE: '', BIODEDUP_POOL_SIZE: String(poolSize) }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let buffered = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      buffered += chunk;
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        if (line.includes(`node ${id} ready`)) resolve();
      }
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => lines.push(...chunk.split('\n').filter((l) => l !== '').map((l) => `stderr: ${l}`)));
    child.once('exit', (code, signal) => reject(new Error(`node ${id} exited (${code ?? signal}) before it was ready:\n${lines.join('\n')}`)));
  });
  return { id, child, lines, ready };
}

export async function killNode(p: NodeProcess, signal: NodeJS.Signals): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise<void>((r) => p.child.once('exit', () => r()));
  p.child.kill(signal);
  await exited;
}

/** Each listed shard's subject count as one node's replica of it has it (a direct request, not through a door). */
/** `minSeq[i]`: the stream sequence the replica must have applied before it counts (the shard's last record). */
export async function replicaCounts(urls: readonly string[], nodeId: string, shards: readonly number[], minSeq: readonly number[]): Promise<Map<number, number>> {
  const nc = await connect({ servers: [...urls] });
  try {
    const msg = await nc.request(rpcSubject(nodeId), encodeMessage({ method: 'count', shards, minSeq, budgetMs: 10_000 }), { timeout: 10_000 });
    const reply = decodeMessage<NodeReply>(msg.data);
    const out = new Map<number, number>();
    for (const a of reply.answers ?? []) if (a.count !== undefined) out.set(a.shard, a.count);
    return out;
  } finally {
    await nc.close();
  }
}
