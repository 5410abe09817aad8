/**
 * One intake task in a worker thread: CBEFF bytes → templates. Errors cross the thread boundary
 * as plain data (structured clone drops an error's class and fields) and are rebuilt by the pool.
 */
import { TemplateMaker } from './bdb-templates.ts';
import { IntakeError, readBiometrics, type Biometrics, type IntakeFailure } from './index.ts';

export type IntakeOutcome =
  | { readonly ok: true; readonly biometrics: Biometrics }
  | { readonly ok: false; readonly failure: IntakeFailure; readonly message: string; readonly birIndex?: number; readonly detail?: string };

const maker = new TemplateMaker(); // one set of WASM instances per worker, reused

export default async function intakeTask(cbeff: Uint8Array): Promise<IntakeOutcome> {
  try {
    return { ok: true, biometrics: await readBiometrics(cbeff, maker) };
  } catch (error) {
    if (!(error instanceof IntakeError)) throw error;
    return { ok: false, failure: error.failure, message: error.message, birIndex: error.birIndex, detail: error.detail };
  }
}
