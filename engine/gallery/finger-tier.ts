/**
 * The coarse finger residency's second stage (EngineOptions.fingerResidency 'coarse'): shards hold
 * each finger's coarse form only (≈ ¼ of the compact template), the coarse scan ranks subjects, and
 * the best K — the finalists — are read from the store (full MCC1 templates, decrypted), placed in
 * a short-lived full-residency arena and scored by the full matcher. Only those full scores are
 * fused and decided on, so every 1:1 score, the calibration and the thresholds are the full
 * matcher's; what the coarse stage can cost is a mate left outside the K (docs/finger-tier.md).
 */
import { EngineError } from '../errors.ts';
import { ShardArena, type ArenaTemplate } from './shard-arena.ts';
import { MODALITY_FINGER } from './shard-layout.ts';
import type { Gallery } from './gallery.ts';
import type { ScanProbe, ScanResult, ScanTask } from './scan-task.ts';
import type { StoredSubject } from '../store/subject.ts';
import { quantiseVector, vectorOfTemplateBytes } from './vector-quantise.ts';

/** What the tier needs of the store: one subject's templates by referenceId (decrypted), undefined when deleted. */
export interface FinalistSource {
  get(referenceId: string): StoredSubject | undefined;
}

/** The finalists a coarse identify re-scores: max(minKeep, ⌈keepShare × N⌉) subjects. */
export function finalistCount(keepShare: number, minKeep: number, gallerySize: number): number {
  return Math.max(minKeep, Math.ceil(keepShare * gallerySize));
}

/** The probe's finger columns alone (the coarse stage compares nothing else), or null without any. */
export function fingerColumns(probe: ScanProbe): ScanProbe | null {
  const keep = probe.modalities.map((m, c) => (m === MODALITY_FINGER ? c : -1)).filter((c) => c >= 0);
  if (keep.length === 0) return null;
  return { modalities: keep.map((c) => probe.modalities[c]), positions: keep.map((c) => probe.positions[c]), templates: keep.map((c) => probe.templates[c]) };
}

/** The k best subjects over the coarse scan tasks' results (each task's own best k, by coarse sum). */
export function bestCoarse(results: readonly ScanResult[], k: number): number[] {
  const all: { ordinal: number; score: number }[] = [];
  for (const r of results) r.subjects.forEach((ordinal, i) => all.push({ ordinal, score: r.fused[i] }));
  all.sort((a, b) => b.score - a.score || a.ordinal - b.ordinal);
  return all.slice(0, k).map((x) => x.ordinal);
}

/**
 * Reads the finalists' templates from the store and places them, full, in a fresh arena; returns
 * it with one (firstSlot, slotCount) pair per placed subject. A subject deleted meanwhile is
 * skipped (it is no longer enrolled); a record that cannot be read fails the whole search with
 * ERR_TIER_FETCH (never a partial answer). `templatesOf` validates as an insert does.
 */
export function finalistArena(
  store: FinalistSource, gallery: Gallery, ordinals: readonly number[],
  templatesOf: (subject: StoredSubject) => ArenaTemplate[], maxTemplateBytes: number,
): { arena: ShardArena; ranges: Uint32Array; placed: number } {
  const subjects: { ordinal: number; templates: ArenaTemplate[] }[] = [];
  let slots = 0;
  for (const ordinal of ordinals) {
    const referenceId = gallery.referenceIdOf(ordinal);
    if (referenceId === undefined) continue; // deleted since the coarse scan
    let stored: StoredSubject | undefined;
    try {
      stored = store.get(referenceId);
    } catch (cause) {
      const code = cause instanceof EngineError ? cause.code : 'unknown';
      throw new EngineError('ERR_TIER_FETCH', `the full templates of a finalist could not be read from the store (${code})`, { cause });
    }
    if (stored === undefined) continue;
    const templates = templatesOf(stored);
    if (templates.length === 0) continue;
    subjects.push({ ordinal, templates });
    slots += templates.length;
  }
  const bytes = subjects.reduce((s, x) => s + x.templates.reduce((t, y) => t + y.bytes.length + 16, 0), 0);
  const arena = new ShardArena(Math.max(1, slots), bytes + 65536, maxTemplateBytes, 'full');
  const ranges = new Uint32Array(2 * subjects.length);
  subjects.forEach((s, i) => {
    const range = arena.appendSubject(s.ordinal, s.templates);
    ranges[2 * i] = range.firstSlot;
    ranges[2 * i + 1] = range.slotCount;
  });
  return { arena, ranges, placed: subjects.length };
}

/** Full-scoring tasks over a finalist arena, cut to spread over the pool. */
export function finalistTasks(arena: ShardArena, ranges: Uint32Array, probe: ScanProbe, threshold: number, k: number, pieces: number): ScanTask[] {
  const subjects = ranges.length / 2;
  const piece = Math.max(16, Math.ceil(subjects / Math.max(1, pieces)));
  const tasks: ScanTask[] = [];
  for (let i = 0; i < subjects; i += piece) {
    const n = Math.min(piece, subjects - i);
    tasks.push({ memory: arena.memory, slotCount: arena.slotCount, probe, ranges: ranges.slice(2 * i, 2 * (i + n)), threshold, k });
  }
  return tasks;
}

/**
 * The finalists read and scored in pieces (pipelined): each piece of `ordinals` is read from the
 * store into its own arena (finalistArena) and handed to `score` at once, so the pool scores it
 * while the main thread reads the next piece — the store read and the full scoring overlap
 * instead of following each other. Between pieces the main thread yields once, letting the pool
 * take the queued tasks. A piece that cannot be read fails the whole search (ERR_TIER_FETCH), the
 * pieces already dispatched finishing unobserved. `readMs`: the main thread's time in the reads.
 */
export async function scoreFinalists(
  store: FinalistSource, gallery: Gallery, ordinals: readonly number[],
  templatesOf: (subject: StoredSubject) => ArenaTemplate[], maxTemplateBytes: number, pieces: number,
  score: (arena: ShardArena, ranges: Uint32Array) => Promise<ScanResult>[],
): Promise<{ results: ScanResult[]; placed: number; readMs: number }> {
  const piece = Math.max(8, Math.ceil(ordinals.length / Math.max(1, pieces)));
  const pending: Promise<ScanResult>[] = [];
  let placed = 0, readMs = 0;
  try {
    for (let i = 0; i < ordinals.length; i += piece) {
      if (i > 0) await new Promise((resolve) => setImmediate(resolve));
      const started = performance.now();
      const part = finalistArena(store, gallery, ordinals.slice(i, i + piece), templatesOf, maxTemplateBytes);
      readMs += performance.now() - started;
      placed += part.placed;
      if (part.placed > 0) pending.push(...score(part.arena, part.ranges));
    }
  } catch (e) {
    for (const p of pending) p.catch(() => undefined); // the search fails with the read's error, not a scan's
    throw e;
  }
  return { results: await Promise.all(pending), placed, readMs };
}

/**
 * Under the coarse residency the pool cannot compute a missing prefilter vector from a shard slot
 * (it holds the coarse form): the main thread reads those subjects from the store and fills them
 * (after a restart every vector saved at the last close is copied instead). Returns how many.
 */
export async function fillMissingVectors(store: FinalistSource, gallery: Gallery): Promise<number> {
  let filled = 0, since = 0;
  for (const ordinal of [...gallery.ordinals()]) {
    const location = gallery.locate(ordinal);
    const referenceId = gallery.referenceIdOf(ordinal);
    if (location === undefined || referenceId === undefined) continue;
    const arena = gallery.arena(location.shard);
    const missing: { slot: number; position: number }[] = [];
    for (let slot = location.firstSlot; slot < location.firstSlot + location.slotCount; slot++) {
      const tag = arena.slotTag(slot);
      if ((tag & 0xff) === MODALITY_FINGER && arena.vectorOf(slot) === undefined) missing.push({ slot, position: (tag >>> 8) & 0xff });
    }
    if (missing.length === 0) continue;
    const stored = store.get(referenceId);
    for (const { slot, position } of missing) {
      const t = stored?.fingers?.[position as keyof NonNullable<StoredSubject['fingers']>];
      const q = t === undefined ? undefined : quantiseVector(vectorOfTemplateBytes(t.bytes));
      if (q !== undefined) { arena.writeVector(slot, q); filled++; }
    }
    // let identify and inserts in while a large gallery fills
    if (++since >= 256) { since = 0; await new Promise((resolve) => setImmediate(resolve)); }
  }
  return filled;
}
