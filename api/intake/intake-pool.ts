/**
 * Intake off the main thread: decoding and extracting a ten-finger image record takes long
 * enough to stall every other request of the service, so it runs in a small piscina pool.
 * The answer is the same as `readBiometrics` in the calling thread, IntakeError included.
 */
import { Piscina } from 'piscina';
import { workerFile } from '../../engine/index.ts';
import { IntakeError, type Biometrics } from './index.ts';
import type { IntakeOutcome } from './intake-worker.ts';

export class IntakePool {
  readonly #piscina: Piscina<Uint8Array, IntakeOutcome>;

  constructor(threads: number) {
    if (!Number.isInteger(threads) || threads < 1) throw new Error(`intake threads must be a positive integer, got ${threads}`);
    this.#piscina = new Piscina<Uint8Array, IntakeOutcome>({
      filename: workerFile(import.meta.url, 'intake-worker'), // compiled .js, or the tsx entry beside the sources
      minThreads: 1,
      maxThreads: threads,
      maxQueue: Infinity, // the ABIS processor bounds what it accepts
      idleTimeout: 60_000,
    });
  }

  async read(cbeff: Uint8Array): Promise<Biometrics> {
    const outcome = await this.#piscina.run(cbeff);
    if (outcome.ok) return outcome.biometrics;
    throw new IntakeError(outcome.failure, outcome.message, { birIndex: outcome.birIndex, detail: outcome.detail });
  }

  async close(): Promise<void> {
    await this.#piscina.close();
  }
}
