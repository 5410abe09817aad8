/**
 * `npm start`: one engine (LMDB store, shards, worker pool, prefilter) and both doors on it —
 * the ABIS API for the ID authority (internal) and the 1:1-only ID service (public).
 *
 * Start-up: check every setting (api/config-schema.ts; each problem one line, exit 2) → lock the
 * data folder and load the gallery (progress logged) → warm the kernels → listen (exclusive
 * ports; both bind addresses printed) → /health/ready turns 200 once the prefilter is warm.
 * Expected failures (configuration, a folder or port in use) are one line on stderr, never a
 * stack; anything else is logged with its stack. SIGTERM/SIGINT: refuse new work, finish what
 * was accepted, close the engine — or exit 1 at the deadline (BIODEDUP_SHUTDOWN_TIMEOUT_MS).
 * Files are created 0600 and folders 0700 (umask): the store, job logs, keys and tokens.
 */
import { DedupEngine, EngineError, FingerMatcher, loadTemplateKey, type DedupService, type Minutia } from '../engine/index.ts';
import { openDoorEngine } from './cluster-mode.ts';
import { developmentEnvironment } from './config.ts';
import { ConfigError, checkEnvironment } from './config-schema.ts';
import { abisConfigFromEnv } from './abis/config.ts';
import { JetStreamJobLog, startAbisServer } from './abis/index.ts';
import { idServiceOptionsFromEnv, startIdService } from './id-service/index.ts';
import { ListenError } from './http/index.ts';
import { createLogger, type LogLevel } from './logger.ts';
import { bindWarning } from './bind-address.ts';

process.umask(0o077);
const logger = createLogger({ level: (process.env.BIODEDUP_LOG_LEVEL || 'info') as LogLevel });

/** One line for what an operator can fix; the stack only for what they cannot. */
function exitOnStartError(error: unknown): never {
  if (error instanceof ConfigError) {
    for (const problem of error.problems) process.stderr.write(`biodedup: configuration error: ${problem}\n`);
    process.exit(2);
  }
  if (error instanceof EngineError || error instanceof ListenError) {
    process.stderr.write(`biodedup: error [${error.code}]: ${error.message}\n`);
    process.exit(1);
  }
  logger.fatal({ err: error }, 'start-up failed');
  process.exit(1);
}

// configuration: every door's readers throw Error/RangeError naming the variable: one line each
let config;
try {
  const checked = checkEnvironment(process.env);
  for (const warning of checked.warnings) logger.warn({}, warning);
  const { env, generated } = developmentEnvironment(checked.env);
  for (const line of generated) process.stdout.write(`using ${line}\n`);
  config = { env, key: loadTemplateKey(env), abis: abisConfigFromEnv(env), id: idServiceOptionsFromEnv(env) };
} catch (error) {
  exitOnStartError(error instanceof ConfigError || error instanceof EngineError ? error : new ConfigError([error instanceof Error ? error.message : String(error)]));
}
const { env, key, abis: abisConfig, id: idOptions } = config;
const warning = bindWarning(abisConfig.host);
if (warning !== undefined) logger.warn({ host: abisConfig.host }, warning);

let state: 'starting' | 'ready' | 'stopping' = 'starting';
let engine: DedupService | undefined;
let where = '';
let nats: Awaited<ReturnType<typeof openDoorEngine>>['nats'];
try {
  logger.info({ dataDir: abisConfig.dataDir }, 'opening the store and loading the gallery');
  // BIODEDUP_NATS set: the doors run on a cluster of engine nodes (api/cluster-mode.ts)
  ({ engine, where, nats } = await openDoorEngine(env, {
    dataDir: abisConfig.dataDir, key, prefilter: env.BIODEDUP_PREFILTER === '0' ? undefined : {}, logger,
    fingerResidency: env.BIODEDUP_FINGER_RESIDENCY === 'coarse' ? 'coarse' : 'full',
    onLoadProgress: (loaded, total) => logger.info({ loaded, total }, 'loading gallery'),
  }));
  await warmEngine(engine);
} catch (error) {
  await engine?.close().catch(() => undefined);
  exitOnStartError(error);
}
const opened = engine;

let abis: Awaited<ReturnType<typeof startAbisServer>> | undefined;
let id: Awaited<ReturnType<typeof startIdService>> | undefined;
try {
  abis = await startAbisServer({
    engine: opened, host: abisConfig.host, port: abisConfig.port, token: abisConfig.token, dataDir: abisConfig.dataDir,
    datashare: abisConfig.datashare, stomp: abisConfig.stomp, keyring: abisConfig.keyring, logger, readiness: () => state,
    jobLog: nats === undefined ? undefined : await JetStreamJobLog.open(nats), // cluster mode: the job log in JetStream
  });
  id = await startIdService({ ...idOptions, engine: opened, logger, ready: () => state === 'ready' }); // warms its capture workers before it listens
} catch (error) {
  await abis?.close().catch(() => undefined);
  await opened.close().catch(() => undefined);
  exitOnStartError(error);
}
const queues = abisConfig.stomp === undefined ? '' : `, STOMP ${abisConfig.stomp.host}:${abisConfig.stomp.port} ${abisConfig.stomp.requestQueue} → ${abisConfig.stomp.responseQueue}`;
process.stdout.write(`ABIS API (internal) on http://${abisConfig.host}:${abis.port}/abis (HTTP POST and WebSocket${queues}); `
  + `ID service (public, 1:1 only) on http://${idOptions.host}:${id.port} — ${where}, ${await opened.count()} subjects\n`);
logger.info({ abis: `${abisConfig.host}:${abis.port}`, id: `${idOptions.host}:${id.port}`, subjects: await opened.count(), loadSeconds: opened instanceof DedupEngine ? opened.loadSeconds : undefined }, 'listening');
void opened.ready().then(() => {
  if (state === 'starting') state = 'ready';
  logger.info({}, 'ready');
}, (error: unknown) => logger.error({ err: error }, 'the prefilter could not be prepared'));

const deadlineMs = Number(env.BIODEDUP_SHUTDOWN_TIMEOUT_MS || 30_000);
const doors = { abis, id };
const stop = async (signal: string): Promise<void> => {
  if (state === 'stopping') return;
  state = 'stopping';
  logger.info({ signal, deadlineMs }, 'shutting down: new requests refused, accepted work finishing');
  const deadline = setTimeout(() => {
    // what was acknowledged is durable; an enrolment cut here is rolled back at the next start
    logger.error({ deadlineMs }, 'shutdown deadline passed: exiting with work unfinished');
    process.exit(1);
  }, deadlineMs);
  try {
    await doors.id.close();
    await doors.abis.close();
    await opened.close();
    logger.info({}, 'stopped');
    clearTimeout(deadline);
    process.exit(0);
  } catch (error) {
    logger.error({ err: error }, 'shutdown failed');
    process.exit(1);
  }
};
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));

/**
 * Runs the scan path once before listening (kernels instantiated, workers started): a probe of
 * random minutiae — nobody's finger — identified exhaustively. The first real request is then
 * not the one that pays for the start-up (it took 2.8–3.1 s).
 */
async function warmEngine(e: DedupService): Promise<void> {
  const started = performance.now();
  const matcher = new FingerMatcher();
  let seed = 7;
  const next = (n: number): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
  const minutiae: Minutia[] = Array.from({ length: 30 }, () => ({ x: 30 + next(300), y: 30 + next(400), angle: next(628) / 100, type: 'ending', quality: 60 }));
  const template = matcher.createTemplate(minutiae, { resolutionPxPerCm: 197 }).bytes;
  await e.identify({ fingers: [{ position: 2, template }], irises: [] }, { mode: 'exhaustive', maxResults: 1 });
  logger.info({ ms: Math.round(performance.now() - started) }, 'kernels warmed');
}
