/**
 * Runs the ABIS door alone: `node --import tsx api/abis/main.ts`. Configuration from the
 * environment (abisConfigFromEnv; the template key as the engine reads it). Prints one line
 * saying where it listens; SIGTERM/SIGINT close it gracefully (accepted jobs finish and are logged).
 */
import { DedupEngine } from '../../engine/index.ts';
import { abisConfigFromEnv } from './config.ts';
import { startAbisServer } from './index.ts';

const config = abisConfigFromEnv();
const engine = DedupEngine.open({ dataDir: config.dataDir });
const server = await startAbisServer({ engine, host: config.host, port: config.port, token: config.token, dataDir: config.dataDir, datashare: config.datashare, stomp: config.stomp, keyring: config.keyring });
const queues = config.stomp === undefined ? '' : `; STOMP ${config.stomp.host}:${config.stomp.port} ${config.stomp.requestQueue} → ${config.stomp.responseQueue}`;
process.stdout.write(`ABIS API listening on http://${config.host}:${server.port} (POST /abis, WebSocket /abis, GET /metrics${queues})\n`);
process.stdout.write(`datashare origins allowed: ${server.datashare.allowedOrigins.join(', ') || 'none (set ABIS_DATASHARE_ALLOWED_ORIGINS)'}; `
  + `partner keys: ${config.keyring === undefined ? 'none (plain CBEFF only)' : config.keyring.keys.length}\n`);

let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  await server.close();
  await engine.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
