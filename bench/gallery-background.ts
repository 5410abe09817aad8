/**
 * The synthetic background of the identify bench: one capture of a generated finger per
 * (seed, subject, finger). Kept in one place so the generator can change without touching the
 * builder or the bench.
 */
import type { MinutiaeRecord } from '../engine/index.ts';
import { generateFinger, generateImpression, mixSeed } from '../datasets/synthetic.ts';

export function backgroundFinger(seed: number, subject: number, finger: number): MinutiaeRecord {
  const master = generateFinger(mixSeed(seed, subject, finger));
  return generateImpression(master, mixSeed(seed, subject, finger, 1));
}
