import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCostModel } from '../bench/cost-model.ts';

const dir = mkdtempSync(join(tmpdir(), 'cost-model-'));
const file = (name: string, json: Record<string, unknown>): string => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(json));
  return path;
};
const identify = file('identify.json', { mode: 'prefilter', gallery: 100_000, threads: 2, identifiesPerSecond: 10, rssAnonBytes: 300_000_000, prefilterRecall: 0.99 });
const exhaustive = file('identify-exhaustive.json', { mode: 'exhaustive', comparisonsPerSecondPerCore: 50_000 });
const cluster = file('cluster.json', { ramBytesPerSubject: 8_000, replication: 2, overheadP50Ms: 12, clusterInsertsPerSecond: 1_000 });
const speed = file('speed.json', { irisComparisonsPerSecond: 100_000 });
const iris = file('iris.json', { codes: 1_000_000, threads: 2, p50Ms: 500, ramBytesPerCode: 1_000 });
const base = { subjects: 1_000_000, fingers: 10, irises: 2, enrolmentsPerDay: 10_000, nodeRamGiB: 64, nodeCores: 32 };

describe('cost model', () => {
  it('computes each figure from the inputs it names', () => {
    const m = runCostModel({ ...base, from: [identify, exhaustive, cluster, speed, iris] });
    const row = (k: string): string => m.rows.find(([key]) => key === k)?.[1] ?? '';
    expect(m.missing).toEqual([]);
    // fingers: 2 threads / 10 identifies/s = 0.2 core-s at 100k templates; 10M templates → ×100
    expect(row('core-seconds per enrolment, fingers (prefilter)')).toContain('= 20.0 core-s');
    // irises from the iris identify run: 2 × 0.5 s at 1M codes; 2M codes → ×2
    expect(row('core-seconds per enrolment, irises (coarse pass + full search)')).toContain('= 2.0 core-s');
    expect(row('core-seconds per enrolment, total')).toBe('22.0');
    expect(row('RAM, irises')).toContain('1,000 B per code');
    expect(m.inputs['iris identify p50 (ms), coarse pass + full search'].source).toBe(`${iris} → p50Ms`);
    expect(m.dominates).toContain('finger matching');
  });

  it('falls back to the exhaustive iris rate without an iris identify run, and names what is missing', () => {
    const m = runCostModel({ ...base, from: [identify, speed] });
    const row = (k: string): string => m.rows.find(([key]) => key === k)?.[1] ?? '';
    // 2M iris comparisons at 100k per core-s
    expect(row('core-seconds per enrolment, irises (exhaustive)')).toContain('= 20.0 core-s');
    expect(m.missing.some((x) => x.includes('overheadP50Ms'))).toBe(true);
  });
});
