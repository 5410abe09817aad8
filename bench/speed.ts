/**
 * Speed report: each suite measures something and contributes flat keys to one JSON object
 * (`--json`), so later suites (extraction, identify scaling, …) add keys without touching the
 * existing ones. Two suites claiming the same key is a bug and fails the run.
 */
import { EngineError } from '../engine/index.ts';
import { writeJsonFile } from './report-files.ts';
import { fingerSpeedSuite } from './speed-finger.ts';
import { irisSpeedSuite } from './speed-iris.ts';
import { extractSpeedSuite } from './extract-speed.ts';
import { faceSpeedSuite } from './speed-face.ts';

export type SpeedValue = number | string | boolean | null;
export type SpeedFigures = Record<string, SpeedValue>;

export interface SpeedOptions {
  /** Set folders (fvc layout, .iso) for the gallery; default: the FVC2002 ISO sets, else synthetic. */
  sets?: readonly string[];
  /** CASIA-layout folder for the iris gallery; default <data>/iris/casia-v1-subset. */
  irisSet?: string;
  /** Writes the merged figures of all suites here. */
  json?: string;
  /** Seconds benchmark.js spends per case (its `maxTime`). Default 5. */
  maxTime?: number;
  /** Receives the human-readable output line by line. Default: silent. */
  print?: (line: string) => void;
}

export interface SpeedContext {
  sets: readonly string[];
  irisSet: string | undefined;
  maxTime: number;
  print: (line: string) => void;
}

export interface SpeedSuite {
  name: string;
  run(context: SpeedContext): SpeedFigures | Promise<SpeedFigures>;
}

/** The suites `bench speed` runs, in order. */
export const SPEED_SUITES: readonly SpeedSuite[] = [fingerSpeedSuite, irisSpeedSuite, extractSpeedSuite, faceSpeedSuite];

/** Adds a suite's figures to the report; a key already there is an error, never overwritten. */
export function mergeFigures(report: SpeedFigures, figures: SpeedFigures, suite: string): void {
  for (const [key, value] of Object.entries(figures)) {
    if (Object.hasOwn(report, key)) {
      throw new EngineError('ERR_BENCH_KEY_CLASH', `speed suite "${suite}" reports "${key}", which another suite already reported`);
    }
    report[key] = value;
  }
}

export async function runSpeed(options: SpeedOptions = {}, suites: readonly SpeedSuite[] = SPEED_SUITES): Promise<SpeedFigures> {
  const maxTime = options.maxTime ?? 5;
  if (!(Number.isFinite(maxTime) && maxTime > 0)) {
    throw new EngineError('ERR_BENCH_OPTION', `maxTime must be a positive number of seconds, got ${String(maxTime)}`);
  }
  const context: SpeedContext = { sets: [...(options.sets ?? [])], irisSet: options.irisSet, maxTime, print: options.print ?? (() => {}) };
  const report: SpeedFigures = {};
  for (const suite of suites) {
    context.print(`== ${suite.name}`);
    mergeFigures(report, await suite.run(context), suite.name);
  }
  if (options.json !== undefined) {
    writeJsonFile(options.json, report);
    context.print(`report: ${options.json}`);
  }
  return report;
}
