/**
 * The MOSIP ABIS API door: `startAbisServer` wires the engine, the durable job log, the
 * datashare client and the HTTP/WebSocket transports. Configuration from the environment:
 * `abisConfigFromEnv()` (README, "ABIS API").
 */
import path from 'node:path';
import type { DedupService } from '../../engine/index.ts';
import { IntakePool } from '../intake/index.ts';
import { DatashareClient, type DatashareOptions } from './datashare.ts';
import { JobLog, type JobLogStore } from './job-log.ts';
import { AbisMetrics } from './metrics.ts';
import { AbisProcessor } from './processor.ts';
import { mountAbisRoutes, uWS } from './transport-http.ts';
import { ABIS_PARAMS } from './params.ts';
import { listenExclusive, type Readiness } from '../http/index.ts';
import { startStompTransport, type StompTransport, type StompTransportOptions } from './transport-stomp.ts';
import type { PartnerKeyring } from './payload.ts';
import type { AbisLogger } from './request-identity.ts';

export { AbisProcessor, AbisBusyError, probeOfSubject, type AbisBackend } from './processor.ts';
export { candidateJson, confidence, internalScore } from './candidates.ts';
export { openPayload, PayloadError, PartnerKeyring, KEY_SPLITTER, type PartnerKey } from './payload.ts';
export { partnerKeyringFromEnv, pemPartnerKey, p12PartnerKey, PartnerKeyError } from './partner-keys.ts';
export { DatashareGuard, normaliseOrigin } from './datashare-guard.ts';
export { requestDigest, stderrLogger, type AbisLogger } from './request-identity.ts';
export { DatashareClient, DatashareError, type DatashareOptions, type DatashareAuth } from './datashare.ts';
export { JobLog, type JobLogStore, type LoggedJob } from './job-log.ts';
export { JetStreamJobLog } from './job-log-jetstream.ts';
export { AbisMetrics } from './metrics.ts';
export { FAILURE_REASONS, FAILURE, RETURN_SUCCESS, RETURN_FAILED, type FailureReason } from './failure-reasons.ts';
export { parseAbisRequest, AbisRequestError, ABIS_OPERATIONS, ACCEPTED_VERSIONS, type AbisRequest, type AbisResponse, type AbisOperation } from './messages.ts';
export { ABIS_PARAMS } from './params.ts';
export { abisConfigFromEnv, type AbisEnvConfig } from './config.ts';
export {
  startStompTransport, defaultStompClient, stompDestination, isTextMessage, type StompBrokerKind, type StompTransport, type StompTransportOptions, type StompClient, type StompMessage, type StompTransaction,
} from './transport-stomp.ts';

/** The ActiveMQ queue pair (STOMP); see transport-stomp.ts. */
export type AbisStompOptions = Omit<StompTransportOptions, 'processor' | 'metrics'>;

export interface AbisServerOptions {
  readonly engine: DedupService;
  /** Interface to bind (default 127.0.0.1: the ABIS door is internal). */
  readonly host?: string;
  /** 0 = any free port. */
  readonly port?: number;
  /** Bearer token every request must present (≥ 16 characters). */
  readonly token: string;
  /** A job log to use instead (cluster mode: job-log-jetstream.ts); the server closes it. */
  readonly jobLog?: JobLogStore;
  /** The job log lives in `<dataDir>/abis-jobs` (unless `jobLog` is given). */
  readonly dataDir: string;
  readonly datashare?: DatashareOptions;
  /** Override of ABIS_PARAMS.bodyTimeoutMs, ms. */
  readonly bodyTimeoutMs?: number;
  /** Also serve MOSIP's ActiveMQ queue pair over STOMP. */
  readonly stomp?: AbisStompOptions;
  /** Worker threads for CBEFF intake (default ABIS_PARAMS.intakeThreads; 0: the service's thread). */
  readonly intakeThreads?: number;
  /** The partner keys that open encrypted datashare payloads (none: plain CBEFF only). */
  readonly keyring?: PartnerKeyring;
  /** Where refused requests and job errors are reported (pino's Logger fits; default: JSON lines on stderr). */
  readonly logger?: AbisLogger;
  /** For GET /health/ready (api/http/health.ts); default: ready. */
  readonly readiness?: Readiness;
}

export interface AbisServer {
  readonly port: number;
  readonly processor: AbisProcessor;
  readonly metrics: AbisMetrics;
  readonly datashare: DatashareClient;
  /** The STOMP transport when configured (await `stomp.ready` for the first connection). */
  readonly stomp: StompTransport | undefined;
  /** Stops listening, waits for accepted jobs, closes the log (the engine stays the caller's). */
  close(): Promise<void>;
}

export async function startAbisServer(o: AbisServerOptions): Promise<AbisServer> {
  const log: JobLogStore = o.jobLog ?? JobLog.open(path.join(o.dataDir, 'abis-jobs'));
  const metrics = new AbisMetrics();
  const datashare = new DatashareClient(o.datashare);
  const intakeThreads = o.intakeThreads ?? ABIS_PARAMS.intakeThreads;
  const pool = intakeThreads > 0 ? new IntakePool(intakeThreads) : undefined;
  const processor = new AbisProcessor({
    backend: { engine: o.engine }, log, datashare, metrics, intake: pool === undefined ? undefined : (cbeff) => pool.read(cbeff),
    keyring: o.keyring, logger: o.logger,
  });
  try {
    await processor.recover();
  } catch (error) {
    await pool?.close();
    await log.close();
    throw error;
  }
  const app = uWS.App();
  const endSockets = mountAbisRoutes(app, { processor, metrics, token: o.token, bodyTimeoutMs: o.bodyTimeoutMs, readiness: o.readiness });
  const host = o.host ?? '127.0.0.1';
  let listenSocket: uWS.us_listen_socket | false = false;
  try {
    listenSocket = await listenExclusive(app, host, o.port ?? 0, 'the ABIS API'); // no SO_REUSEPORT: a port in use is refused
  } catch (error) {
    await pool?.close();
    await log.close();
    throw error;
  }
  const socket = listenSocket;
  let stomp: StompTransport | undefined;
  try {
    stomp = o.stomp === undefined ? undefined : await startStompTransport({ ...o.stomp, processor, metrics });
  } catch (error) {
    uWS.us_listen_socket_close(socket);
    await pool?.close();
    await log.close();
    throw error;
  }
  let closed = false;
  return {
    port: uWS.us_socket_local_port(socket as unknown as uWS.us_socket),
    processor,
    metrics,
    datashare,
    stomp,
    async close() {
      if (closed) return;
      closed = true;
      // the broker first: unanswered requests stay unacked there and are redelivered later
      await stomp?.close();
      uWS.us_listen_socket_close(socket);
      endSockets();
      // Keep-alive connections outlive the listen socket: close them all (uWS's App.close, missing
      // from this build's typings). Accepted jobs still finish and are logged below.
      const withClose = app as uWS.TemplatedApp & { close?: () => void };
      if (typeof withClose.close === 'function') withClose.close();
      await processor.close();
      await pool?.close();
      await log.close();
    },
  };
}
