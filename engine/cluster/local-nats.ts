/**
 * Real nats-server processes on loopback for the local cluster (`npm run cluster`), the cluster
 * bench and the cluster tests (no mock): JetStream on free ports in a given folder; K > 1 servers
 * form one JetStream cluster through routes. `natsServerPath` is null when Debian's nats-server
 * is not installed (callers then say so).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';

export const natsServerPath: string | null = (() => {
  const r = spawnSync('sh', ['-c', 'command -v nats-server'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() !== '' ? r.stdout.trim() : null;
})();

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

export interface NatsServerHandle {
  readonly url: string;
  readonly index: number;
  process: ChildProcess;
  /** SIGTERM (or SIGKILL) and wait for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the same server again (same ports, same store folder). */
  restart(): Promise<void>;
}

export interface NatsCluster {
  readonly servers: NatsServerHandle[];
  readonly urls: string[];
  stop(): Promise<void>;
}

/** Starts K servers (one JetStream cluster when K > 1) and waits until each accepts clients. */
export async function startNatsServers(dir: string, count: number, log?: (line: string) => void): Promise<NatsCluster> {
  if (natsServerPath === null) throw new Error('nats-server is not installed (apt-get install nats-server)');
  const ports = await Promise.all(Array.from({ length: count }, async () => ({ client: await freePort(), route: await freePort() })));
  const servers: NatsServerHandle[] = [];
  for (let i = 0; i < count; i++) {
    const storeDir = join(dir, `nats-${i}`);
    mkdirSync(storeDir, { recursive: true });
    const lines = [
      `server_name: n${i}`, 'host: 127.0.0.1', `port: ${ports[i].client}`,
      `jetstream { store_dir: "${storeDir}", max_memory_store: 64MB, max_file_store: 8GB }`,
    ];
    if (count > 1) {
      const routes = ports.filter((_, j) => j !== i).map((p) => `nats-route://127.0.0.1:${p.route}`).join(', ');
      lines.push(`cluster { name: biodedup, host: 127.0.0.1, port: ${ports[i].route}, routes: [${routes}] }`);
    }
    const config = join(dir, `nats-${i}.conf`);
    writeFileSync(config, lines.join('\n') + '\n');
    const url = `nats://127.0.0.1:${ports[i].client}`;
    const handle: NatsServerHandle = {
      url, index: i, process: launch(config, url, log),
      async stop(signal: NodeJS.Signals = 'SIGTERM') {
        const p = handle.process;
        if (p.exitCode !== null || p.signalCode !== null) return;
        const exited = new Promise<void>((r) => p.once('exit', () => r()));
        p.kill(signal);
        await exited;
      },
      async restart() {
        handle.process = launch(config, url, log);
        await waitForPort(ports[i].client, 15_000);
      },
    };
    servers.push(handle);
  }
  await Promise.all(ports.map((p) => waitForPort(p.client, 15_000)));
  await waitForJetStream(servers[0].url, count, 30_000);
  return { servers, urls: servers.map((s) => s.url), stop: async () => { await Promise.all(servers.map((s) => s.stop())); } };
}

/** Waits until the server sees `count` servers in its cluster and JetStream answers (a cluster elects its meta leader first). */
async function waitForJetStream(url: string, count: number, timeoutMs: number): Promise<void> {
  const nc = await connect({ servers: url });
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const seen = count === 1 ? 1 : nc.info?.connect_urls?.length ?? 0;
      const ok = seen >= count && await jetstreamManager(nc).then((m) => m.getAccountInfo()).then(() => true, () => false);
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`JetStream on ${url} not ready with ${count} servers after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
      if (seen < count) await nc.flush(); // connect_urls updates arrive as INFO messages
    }
  } finally {
    await nc.close();
  }
}

function launch(config: string, url: string, log?: (line: string) => void): ChildProcess {
  const child = spawn(natsServerPath!, ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    // route dial errors while the other servers start are expected; anything else is worth a line
    for (const line of chunk.split('\n')) if (/\[(ERR|FTL)\]/.test(line) && !/connect to route/.test(line)) log?.(`nats ${url}: ${line}`);
  });
  return child;
}

export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
