/**
 * Which engine the doors run on: one process (DedupEngine over the LMDB store in the data
 * folder, `npm start`'s default) or, when BIODEDUP_NATS names NATS servers, a cluster of engine
 * nodes reached through NATS JetStream (engine/cluster). The engine itself reads no door setting.
 *
 * BIODEDUP_NATS: `nats://host:port`, several separated by commas (servers of one NATS cluster).
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { ClusterClient, DedupEngine, type DedupService, type EngineOptions, type TemplateKey } from '../engine/index.ts';

type PrefilterOptions = NonNullable<EngineOptions['prefilter']>;

export const NATS_ENV = 'BIODEDUP_NATS';

export interface EngineChoice {
  readonly engine: DedupService;
  /** Cluster mode: the NATS connection (the ABIS job log goes to JetStream through it). */
  readonly nats?: NatsConnection;
  /** For the start-up line: where the gallery lives. */
  readonly where: string;
}

export async function openDoorEngine(
  env: Readonly<Record<string, string | undefined>>,
  o: {
    dataDir: string; key: TemplateKey; prefilter: PrefilterOptions | undefined; fingerResidency?: EngineOptions['fingerResidency'];
    logger?: EngineOptions['logger']; onLoadProgress?: EngineOptions['onLoadProgress'];
  },
): Promise<EngineChoice> {
  const nats = env[NATS_ENV]?.trim();
  if (nats === undefined || nats === '') {
    const engine = DedupEngine.open({
      dataDir: o.dataDir, key: o.key, prefilter: o.prefilter, fingerResidency: o.fingerResidency, logger: o.logger, onLoadProgress: o.onLoadProgress,
    });
    return { engine, where: `data in ${o.dataDir}` };
  }
  const servers = nats.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const s of servers) if (!/^nats:\/\/[^\s/]+$/.test(s)) throw new Error(`${NATS_ENV}: expected nats://host:port[,nats://host:port…]`);
  const engine = await ClusterClient.connect({ servers, key: o.key, name: 'biodedup-doors' });
  return { engine, nats: engine.nats, where: `cluster of ${engine.shards} shards through NATS at ${servers.join(', ')}` };
}
