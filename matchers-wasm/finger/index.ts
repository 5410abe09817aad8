// Public surface of the fingerprint kernel: build a template, compare one pair or a probe
// against many, and read back the last comparison's pairing (the transparency hook).
import { MAX_MINUTIAE, MAX_RELAXATION_PAIRS } from './params';
import { initCylinderGeometry, buildTemplate as buildCylinders, cylinderCellCount } from './cylinders';
import { initSimilarity, localSimilarities } from './similarity';
import { initConsolidation, consolidate, consolidateCompact, chosenA, chosenB, initialSimilarity, relaxedSimilarity, scoredFlag, chosenCount } from './consolidation';
import { templateBytes as layoutBytes, TEMPLATE_MAGIC } from './layout';
import { COMPACT_MAGIC } from './compact-layout';
import { initCompactSimilarity, compactLocalSimilarities } from './compact-similarity';

const geometryFits = initCylinderGeometry();
initSimilarity();
initConsolidation();
initCompactSimilarity();

/** 1 when the parameters are consistent (every in-circle cell has a bit). */
export function kernelReady(): i32 { return geometryFits ? 1 : 0; }
export function maxMinutiae(): i32 { return MAX_MINUTIAE; }
export function cellCount(): i32 { return cylinderCellCount(); }
export function templateMagic(): u32 { return TEMPLATE_MAGIC; }

/** Bytes a template of up to n minutiae may need. */
export function templateBytes(n: i32): i32 { return layoutBytes(min<i32>(n, MAX_MINUTIAE)); }

/** Host-managed memory: the host reserves its regions once, never per comparison. */
export function allocate(bytes: i32): usize { return heap.alloc(<usize>bytes); }

/** input: n × (x, y, direction, type) f32 in ISO conventions; returns the template size. */
export function buildTemplate(input: usize, n: i32, out: usize): i32 { return buildCylinders(input, n, out); }

/** Raw similarity in [0, 1] of two templates in memory. */
export function compare(a: usize, b: usize): f32 {
  return consolidate(a, b, localSimilarities(a, b));
}

/** Compares the probe at `probe` against `count` templates whose addresses are u32s at `addresses`. */
export function compareMany(probe: usize, addresses: usize, count: i32, scores: usize): void {
  for (let i = 0; i < count; i++) {
    const t = <usize>load<u32>(addresses + (<usize>i << 2));
    store<f32>(scores + (<usize>i << 2), consolidate(probe, t, localSimilarities(probe, t)));
  }
}

/** Magic of the compact in-RAM layout (compact-layout.ts); the engine packs it (finger-compact.ts). */
export function compactMagic(): u32 { return COMPACT_MAGIC; }

/** compare() on two compact templates: the same score as on the MCC1 templates they were packed from. */
export function compareCompact(a: usize, b: usize): f32 {
  return consolidateCompact(a, b, compactLocalSimilarities(a, b));
}

/** compareMany() on compact templates. */
export function compareManyCompact(probe: usize, addresses: usize, count: i32, scores: usize): void {
  for (let i = 0; i < count; i++) {
    const t = <usize>load<u32>(addresses + (<usize>i << 2));
    store<f32>(scores + (<usize>i << 2), consolidateCompact(probe, t, compactLocalSimilarities(probe, t)));
  }
}

/**
 * Transparency: writes the last comparison's relaxation pairs as
 * (probe index, candidate index, initial similarity, relaxed similarity, scored 0/1) × 5 f32
 * and returns how many there are (at most MAX_RELAXATION_PAIRS).
 */
export function lastPairing(out: usize): i32 {
  for (let t = 0; t < chosenCount; t++) {
    const p = out + <usize>(t * 20);
    store<f32>(p, <f32>unchecked(chosenA[t]));
    store<f32>(p, <f32>unchecked(chosenB[t]), 4);
    store<f32>(p, unchecked(initialSimilarity[t]), 8);
    store<f32>(p, unchecked(relaxedSimilarity[t]), 12);
    store<f32>(p, <f32>unchecked(scoredFlag[t]), 16);
  }
  return chosenCount;
}
export function maxPairing(): i32 { return MAX_RELAXATION_PAIRS; }
