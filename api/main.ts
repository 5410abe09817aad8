/**
 * `npm start`: one engine (LMDB store, shards, worker pool, prefilter) and both doors on it —
 * the ABIS API for the ID authority (internal) and the 1:1-only ID service (public). One line
 * says where each listens; SIGTERM/SIGINT close both gracefully (accepted jobs finish).
 */
import { loadTemplateKey } from '../engine/index.ts';
import { openDoorEngine } from './cluster-mode.ts';
import { developmentEnvironment } from './config.ts';
import { abisConfigFromEnv } from './abis/config.ts';
import { JetStreamJobLog, startAbisServer } from './abis/index.ts';
import { idServiceOptionsFromEnv, startIdService } from './id-service/index.ts';

const { env, generated } = developmentEnvironment();
for (const line of generated) process.stdout.write(`using ${line}\n`);
const key = loadTemplateKey(env);
const abisConfig = abisConfigFromEnv(env);
const idOptions = idServiceOptionsFromEnv(env);
// BIODEDUP_NATS set: the doors run on a cluster of engine nodes (api/cluster-mode.ts)
const { engine, nats, where } = await openDoorEngine(env, {
  dataDir: abisConfig.dataDir, key, prefilter: env.BIODEDUP_PREFILTER === '0' ? undefined : {},
});
const abis = await startAbisServer({
  engine, host: abisConfig.host, port: abisConfig.port, token: abisConfig.token, dataDir: abisConfig.dataDir,
  datashare: abisConfig.datashare, stomp: abisConfig.stomp, jobLog: nats === undefined ? undefined : await JetStreamJobLog.open(nats),
});
const id = await startIdService({ ...idOptions, engine });
const queues = abisConfig.stomp === undefined ? '' : `, STOMP ${abisConfig.stomp.host}:${abisConfig.stomp.port} ${abisConfig.stomp.requestQueue} → ${abisConfig.stomp.responseQueue}`;
process.stdout.write(`ABIS API (internal) on http://${abisConfig.host}:${abis.port}/abis (HTTP POST and WebSocket${queues}); `
  + `ID service (public, 1:1 only) on http://${idOptions.host}:${id.port} — ${where}, ${await engine.count()} subjects\n`);

let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  await id.close();
  await abis.close();
  await engine.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
