/**
 * The insert/delete log's records as JetStream message bodies: msgpack, sealed with the
 * template key (AES-256-GCM; the NATS subject, i.e. the shard, is the additional data, so a
 * record cannot be replayed into another shard). Templates are therefore encrypted at rest in
 * JetStream's files as in LMDB. Layout: [version 1][12-byte nonce][ciphertext + 16-byte tag].
 */
import { pack, unpack } from 'msgpackr';
import type { TemplateKey } from '../store/template-key.ts';
import { NONCE_BYTES } from '../store/template-key.ts';
import type { Subject } from '../store/subject.ts';
import { ClusterError } from './cluster-error.ts';

const RECORD_VERSION = 1;

export type LogRecord =
  | { readonly op: 'insert'; readonly subject: Subject }
  | { readonly op: 'delete'; readonly referenceId: string };

const encoder = new TextEncoder();

export function encodeLogRecord(record: LogRecord, natsSubject: string, key: TemplateKey): Uint8Array {
  const { nonce, sealed } = key.seal(pack(record), encoder.encode(natsSubject));
  const out = new Uint8Array(1 + NONCE_BYTES + sealed.length);
  out[0] = RECORD_VERSION;
  out.set(nonce, 1);
  out.set(sealed, 1 + NONCE_BYTES);
  return out;
}

export function decodeLogRecord(bytes: Uint8Array, natsSubject: string, key: TemplateKey): LogRecord {
  if (bytes.length < 1 + NONCE_BYTES + 16 || bytes[0] !== RECORD_VERSION) {
    throw new ClusterError('ERR_CLUSTER_RECORD', `log record on ${natsSubject}: unknown version or too short`);
  }
  let plain: Uint8Array;
  try {
    plain = key.open(bytes.subarray(1, 1 + NONCE_BYTES), bytes.subarray(1 + NONCE_BYTES), encoder.encode(natsSubject));
  } catch (cause) {
    throw new ClusterError('ERR_CLUSTER_RECORD', `log record on ${natsSubject} does not authenticate (another template key, or damaged)`, { cause });
  }
  const record = unpack(plain) as LogRecord;
  if (record?.op === 'insert' && typeof record.subject?.referenceId === 'string') return record;
  if (record?.op === 'delete' && typeof record.referenceId === 'string') return record;
  throw new ClusterError('ERR_CLUSTER_RECORD', `log record on ${natsSubject} has no known operation`);
}
