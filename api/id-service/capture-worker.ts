/**
 * A capture-pool worker: request biometrics → templates, off the event loop (an image costs
 * ~60 ms of extraction). Refusals come back as data, not as thrown errors: a structured-cloned
 * Error loses its HTTP status and code.
 */
import { HttpError } from '../http/index.ts';
import { BiometricsAdapter, type Captured } from './biometrics.ts';

export interface CaptureTask {
  readonly biometrics: unknown;
  readonly purpose: 'enrol' | 'verify';
  /** Only instantiate the kernels (start-up warm-up). */
  readonly warm?: boolean;
}

export type CaptureReply =
  | { readonly ok: true; readonly captured: Captured }
  | { readonly ok: false; readonly status: number; readonly code: string; readonly message: string };

const adapter = new BiometricsAdapter();

export default async function captureInWorker(task: CaptureTask): Promise<CaptureReply> {
  if (task.warm === true) {
    await adapter.warm(); // holds this worker ~0.5 s: the next warm task goes to another
    return { ok: true, captured: { fingers: [], irises: [], exceptions: 0 } };
  }
  try {
    return { ok: true, captured: await adapter.capture(task.biometrics, task.purpose) };
  } catch (error) {
    if (error instanceof HttpError) return { ok: false, status: error.status, code: error.code, message: error.message };
    throw error;
  }
}
