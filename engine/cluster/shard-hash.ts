/**
 * The logical shard of a referenceId: FNV-1a (32-bit) of its UTF-8 bytes, modulo the shard
 * count. Stable across processes, versions and platforms (the placement depends on it forever);
 * referenceIds are opaque ids, so a simple well-mixed hash spreads them evenly.
 */
const encoder = new TextEncoder();

export function shardOf(referenceId: string, shards: number): number {
  const bytes = encoder.encode(referenceId);
  let h = 0x811c9dc5;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % shards;
}
