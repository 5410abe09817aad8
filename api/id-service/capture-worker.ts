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
}

export type CaptureReply =
  | { readonly ok: true; readonly captured: Captured }
  | { readonly ok: false; readonly status: number; readonly code: string; readonly message: string };

const adapter = new BiometricsAdapter();

export default async function captureInWorker(task: CaptureTask): Promise<CaptureReply> {
  try {
    return { ok: true, captured: await adapter.capture(task.biometrics, task.purpose) };
  } catch (error) {
    if (error instanceof HttpError) return { ok: false, status: error.status, code: error.code, message: error.message };
    throw error;
  }
}
