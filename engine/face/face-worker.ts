/**
 * One face task in a worker thread: image or record bytes → template. Each worker loads the
 * models once (engine/face/models.ts) and keeps them. Errors cross the thread boundary as plain
 * data (structured clone drops an error's class) and are rebuilt by FacePool.
 */
import { EngineError } from '../errors.ts';
import { FaceExtractor, type FaceTemplateResult } from './extractor.ts';

export type FaceTaskOutcome =
  | { readonly ok: true; readonly result: FaceTemplateResult; readonly backend: string }
  | { readonly ok: false; readonly code: string; readonly message: string };

let extractor: Promise<FaceExtractor> | undefined;

export default async function faceTask(bytes: Uint8Array): Promise<FaceTaskOutcome> {
  try {
    extractor ??= FaceExtractor.create();
    const ex = await extractor;
    return { ok: true, result: await ex.createTemplate(bytes), backend: ex.backend };
  } catch (error) {
    if (!(error instanceof EngineError)) throw error;
    return { ok: false, code: error.code, message: error.message };
  }
}
