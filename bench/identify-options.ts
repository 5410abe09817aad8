/** The flags both identify benches (fingers: identify-cli.ts, irises: identify-iris-cli.ts) share, parsed one way. */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';

export interface CommonIdentifyOptions {
  readonly gallery: number;
  readonly probes: number;
  readonly threads: number;
  readonly seed: number;
  readonly targetFPIR: number;
  readonly storeDir: string | undefined;
  readonly json: string | undefined;
}

/** parseArgs declarations of the shared flags. */
export const COMMON_IDENTIFY_FLAGS = {
  gallery: { type: 'string' }, probes: { type: 'string' }, threads: { type: 'string' }, seed: { type: 'string' },
  'target-fpir': { type: 'string' }, store: { type: 'string' }, json: { type: 'string' },
} as const;

export function integerFlag(name: string, v: string | undefined, fallback: number, min = 1): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw Object.assign(new Error(`--${name} must be an integer ≥ ${min}, got "${v}"`), { code: 'ERR_USAGE' });
  return n;
}

/** The shared flags' values (`--gallery` required); throws a usage error with the reason. */
export function commonIdentifyOptions(values: Partial<Record<keyof typeof COMMON_IDENTIFY_FLAGS, string>>, probesDefault: number): CommonIdentifyOptions {
  if (values.gallery === undefined) throw new Error('--gallery N is required');
  const targetFPIR = values['target-fpir'] === undefined ? 30 : Number(values['target-fpir']);
  if (!(targetFPIR >= 0 && targetFPIR <= 100)) throw new Error('--target-fpir must be 0–100');
  return {
    gallery: integerFlag('gallery', values.gallery, 0),
    probes: integerFlag('probes', values.probes, probesDefault),
    threads: integerFlag('threads', values.threads, availableParallelism()),
    seed: integerFlag('seed', values.seed, 1, 0),
    targetFPIR,
    storeDir: values.store === undefined ? undefined : resolve(values.store),
    json: values.json,
  };
}
