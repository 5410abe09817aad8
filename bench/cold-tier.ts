/**
 * What a two-tier finger gallery would cost per candidate (issue 16, "a third of the memory"):
 *   npm run bench -- cold-tier --store DIR [--subjects N (100000)] [--fetch F (20000)] [--rounds R (3)] [--json FILE]
 *
 * The idea measured: shards keep only the prefilter vector per finger in RAM (≈ 276 B with its
 * slot), and the full templates of the candidates the prefilter keeps are read from LMDB at
 * identify time. Every candidate's template is then read, authenticated and decrypted (templates
 * are encrypted at rest) before it can be compared, so the question is that cost beside the
 * comparison it feeds. Measured in one run, rounds interleaved, on F candidates drawn from the
 * first N subjects of an identify-bench store (`bench-gallery.json` names its key):
 *   storeGetUs           the store as it is: one subject record (all templates sealed together)
 *                        read, authenticated, decrypted and decoded (SubjectStore.get), per subject
 *   compactPackUs        MCC1 → the shards' compact form, per finger (what an append does)
 *   leanFingerUs         a purpose-built tier: one sealed compact template per LMDB key, read
 *                        (getBinaryFast) and opened (AES-256-GCM), per finger
 *   leanSubjectUs        the same with all of a subject's compact fingers sealed together, per subject
 *   compareUs            the baseline: the compact kernel comparing one probe with those fingers,
 *                        per comparison (one thread)
 * and, for the other road to fewer bytes (lossless entropy coding of the compact form), the mean
 * compact, deflate-9 and brotli-11 bytes per finger over the first 2,000 fingers read;
 * and the projection for 1M fingers at penetrations 2 % and 5 %: the CPU the fetch adds per
 * identify next to the comparisons' own CPU. The lean tiers are written to a temporary LMDB
 * environment with a fresh key and removed afterwards.
 * Exit codes: 0 done, 1 error, 2 bad arguments.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { brotliCompressSync, constants as zlibConstants, deflateRawSync } from 'node:zlib';
import { open } from 'lmdb';
import { FingerMatcher, openSubjectStore, parseTemplateKey, type TemplateKey } from '../engine/index.ts';
import { validatedFingerTemplate } from '../engine/gallery/vector-quantise.ts';
import { toCompactFingerTemplate } from '../engine/finger-compact.ts';

const USAGE = 'usage: npm run bench -- cold-tier --store DIR [--subjects N] [--fetch F] [--rounds R] [--json FILE]';
const NONCE = 12;

function count(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw Object.assign(new Error(`--${name} must be a positive integer, got "${value}"`), { code: 'ERR_USAGE' });
  return n;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];

function sealWithNonce(key: TemplateKey, plain: Uint8Array, aad: Uint8Array): Uint8Array {
  const { nonce, sealed } = key.seal(plain, aad);
  const out = new Uint8Array(NONCE + sealed.length);
  out.set(nonce);
  out.set(sealed, NONCE);
  return out;
}

/** Concatenated compact templates, each behind its u32 length. */
function packSubject(fingers: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(fingers.reduce((s, f) => s + 4 + f.length, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const f of fingers) {
    view.setUint32(at, f.length, true);
    out.set(f, at + 4);
    at += 4 + f.length;
  }
  return out;
}

export async function coldTierMain(args: string[]): Promise<number> {
  let v;
  try {
    ({ values: v } = parseArgs({ args, strict: true, options: { store: { type: 'string' }, subjects: { type: 'string' }, fetch: { type: 'string' }, rounds: { type: 'string' }, json: { type: 'string' } } }));
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (v.store === undefined) {
    console.error(`--store is required\n${USAGE}`);
    return 2;
  }
  let subjects: number, fetch: number, rounds: number;
  try {
    subjects = count('subjects', v.subjects, 100_000);
    fetch = count('fetch', v.fetch, 20_000);
    rounds = count('rounds', v.rounds, 3);
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const dir = resolve(v.store);
  const manifest = JSON.parse(readFileSync(join(dir, 'bench-gallery.json'), 'utf8')) as { keyHex: string };
  const store = openSubjectStore({ path: dir, key: parseTemplateKey(manifest.keyHex) });
  const referenceIds: string[] = [];
  const fingers: Uint8Array[][] = [];
  const storedFingers: Uint8Array[][] = [];
  try {
    for (const s of store.subjects()) {
      referenceIds.push(s.referenceId);
      storedFingers.push(Object.values(s.fingers).map((f) => f!.bytes));
      fingers.push(storedFingers[storedFingers.length - 1].map((f) => toCompactFingerTemplate(f)));
      if (referenceIds.length >= subjects) break;
    }
    const picked = Array.from({ length: fetch }, (_, i) => (i * 7919 + 13) % referenceIds.length);
    const work = mkdtempSync(join(tmpdir(), 'biodedup-cold-tier-'));
    const key = parseTemplateKey(randomBytes(32).toString('hex'));
    const env = open({ path: work, compression: false });
    const perFinger = env.openDB({ name: 'finger', keyEncoding: 'uint32', encoding: 'binary', compression: false });
    const perSubject = env.openDB({ name: 'subject', keyEncoding: 'uint32', encoding: 'binary', compression: false });
    const aad = new Uint8Array(4);
    const fingerKey = (subject: number, finger: number): number => subject * 16 + finger;
    await env.transaction(() => {
      fingers.forEach((fs, s) => {
        fs.forEach((f, i) => void perFinger.put(fingerKey(s, i), sealWithNonce(key, f, aad)));
        void perSubject.put(s, sealWithNonce(key, packSubject(fs), aad));
      });
    });
    const matcher = new FingerMatcher();
    const probe = matcher.prepareProbe(validatedFingerTemplate(storedFingers[0][0]));
    const gallery = matcher.loadGallery(picked.flatMap((s) => storedFingers[s].map(validatedFingerTemplate)), 'compact');
    const pickedFingers = picked.reduce((n, s) => n + fingers[s].length, 0);
    const samples = { storeGetUs: [] as number[], compactPackUs: [] as number[], leanFingerUs: [] as number[], leanSubjectUs: [] as number[], compareUs: [] as number[] };
    let sink = 0;
    for (let r = 0; r < rounds; r++) {
      let t = performance.now();
      const mcc1: Uint8Array[] = [];
      for (const s of picked) for (const f of Object.values(store.get(referenceIds[s])!.fingers)) mcc1.push(f!.bytes);
      samples.storeGetUs.push(((performance.now() - t) * 1000) / picked.length);
      t = performance.now();
      for (const m of mcc1) sink += toCompactFingerTemplate(m).length;
      samples.compactPackUs.push(((performance.now() - t) * 1000) / mcc1.length);
      t = performance.now();
      for (const s of picked) {
        for (let i = 0; i < fingers[s].length; i++) {
          const sealed = perFinger.getBinaryFast(fingerKey(s, i))!;
          sink += key.open(sealed.subarray(0, NONCE), sealed.subarray(NONCE), aad).length;
        }
      }
      samples.leanFingerUs.push(((performance.now() - t) * 1000) / pickedFingers);
      t = performance.now();
      for (const s of picked) {
        const sealed = perSubject.getBinaryFast(s)!;
        sink += key.open(sealed.subarray(0, NONCE), sealed.subarray(NONCE), aad).length;
      }
      samples.leanSubjectUs.push(((performance.now() - t) * 1000) / picked.length);
      t = performance.now();
      sink += matcher.compareManyRaw(probe, gallery)[0];
      samples.compareUs.push(((performance.now() - t) * 1000) / gallery.size);
    }
    await env.close();
    rmSync(work, { recursive: true, force: true });
    const sample = fingers.flat().slice(0, 2000);
    const meanBytes = (f: (b: Uint8Array) => number): number => sample.reduce((t, b) => t + f(b), 0) / sample.length;
    const entropy = {
      compactBytesPerFinger: meanBytes((b) => b.length),
      deflateBytesPerFinger: meanBytes((b) => deflateRawSync(b, { level: 9 }).length),
      brotliBytesPerFinger: meanBytes((b) => brotliCompressSync(b, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11 } }).length),
    };
    const m = Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, median(xs)])) as Record<keyof typeof samples, number>;
    const fingersPerSubject = pickedFingers / picked.length;
    const projection = [0.02, 0.05].map((penetration) => {
      const candidateFingers = 1_000_000 * penetration;
      return {
        penetration,
        candidateFingers,
        compareCpuMs: (candidateFingers * m.compareUs) / 1000,
        leanFingerFetchCpuMs: (candidateFingers * m.leanFingerUs) / 1000,
        leanSubjectFetchCpuMs: ((candidateFingers / fingersPerSubject) * m.leanSubjectUs) / 1000,
        storeRecordFetchCpuMs: ((candidateFingers / fingersPerSubject) * m.storeGetUs + candidateFingers * m.compactPackUs) / 1000,
      };
    });
    const figures = { store: dir, subjects: referenceIds.length, fetchedSubjects: picked.length, fetchedFingers: pickedFingers, rounds, ...m, ...entropy, fetchOverCompareLeanFinger: m.leanFingerUs / m.compareUs, projection1MFingers: projection, checksum: sink % 1000 };
    console.log(`cold tier, ${picked.length} candidate subjects (${pickedFingers} fingers) of ${referenceIds.length}, median of ${rounds} rounds, one thread:`);
    console.log(`  store record get+decrypt+decode  ${m.storeGetUs.toFixed(1)} µs/subject; MCC1 → compact ${m.compactPackUs.toFixed(1)} µs/finger`);
    console.log(`  lean tier, one sealed template/key ${m.leanFingerUs.toFixed(1)} µs/finger; one sealed blob/subject ${m.leanSubjectUs.toFixed(1)} µs/subject`);
    console.log(`  baseline: compact comparison        ${m.compareUs.toFixed(1)} µs/comparison (fetch/compare ${(m.leanFingerUs / m.compareUs).toFixed(2)}×)`);
    for (const p of projection) {
      console.log(`  1M fingers at ${(p.penetration * 100).toFixed(0)} %: ${p.candidateFingers} candidate fingers, compare ${p.compareCpuMs.toFixed(0)} ms CPU; fetch adds ${p.leanFingerFetchCpuMs.toFixed(0)} (per finger) / ${p.leanSubjectFetchCpuMs.toFixed(0)} (per subject) / ${p.storeRecordFetchCpuMs.toFixed(0)} ms (today's records)`);
    }
    console.log(`  entropy coding of the compact form (${sample.length} fingers): ${entropy.compactBytesPerFinger.toFixed(0)} B → deflate ${entropy.deflateBytesPerFinger.toFixed(0)} B, brotli ${entropy.brotliBytesPerFinger.toFixed(0)} B`);
    if (v.json !== undefined) writeFileSync(v.json, JSON.stringify(figures, null, 2));
    return 0;
  } finally {
    await store.close();
  }
}
