/**
 * One engine node as a process: `node --import tsx engine/cluster/node-main.ts --nats URL[,URL…]
 * --node-id ID --data-dir DIR [--shards N] [--threads T] [--initial-nodes N]
 * [--heartbeat-ms MS --lease-ms MS --reassign-after-ms MS] [--prefilter 0|1]`. The template key
 * comes from the engine's own BIODEDUP_TEMPLATE_KEY / BIODEDUP_TEMPLATE_KEY_FILE. Prints
 * "node ID ready" once started; SIGTERM/SIGINT close it (pending writes finish).
 */
import { parseArgs } from 'node:util';
import { loadTemplateKey } from '../store/template-key.ts';
import { ClusterNode } from './cluster-node.ts';

const { values } = parseArgs({
  options: {
    nats: { type: 'string' }, 'node-id': { type: 'string' }, 'data-dir': { type: 'string' }, shards: { type: 'string' },
    threads: { type: 'string' }, 'initial-nodes': { type: 'string' }, 'heartbeat-ms': { type: 'string' },
    'lease-ms': { type: 'string' }, 'reassign-after-ms': { type: 'string' }, prefilter: { type: 'string' },
  },
});
const number = (name: keyof typeof values): number | undefined => {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer`);
  return n;
};
if (values.nats === undefined || values['node-id'] === undefined || values['data-dir'] === undefined) {
  process.stderr.write('usage: node-main.ts --nats nats://host:port[,…] --node-id ID --data-dir DIR [options]\n');
  process.exit(2);
}
const log = (line: string): void => { process.stdout.write(`[${values['node-id']}] ${line}\n`); };
const timing = Object.fromEntries(Object.entries({ heartbeatMs: number('heartbeat-ms'), leaseMs: number('lease-ms'), reassignAfterMs: number('reassign-after-ms') })
  .filter(([, v]) => v !== undefined));
const node = await ClusterNode.start({
  servers: values.nats.split(','), nodeId: values['node-id'], dataDir: values['data-dir'], key: loadTemplateKey(),
  shards: number('shards'), threads: number('threads'), initialNodes: number('initial-nodes'), timing,
  prefilter: values.prefilter === '0' ? undefined : {}, log,
});
log(`node ${node.nodeId} ready`);
let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  await node.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
