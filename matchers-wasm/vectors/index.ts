// The prefilter's exact scan: binary gallery vectors (one sign bit per dimension, packed) against
// a packed query, compared by counting agreeing bits with SIMD (i8x16.popcnt). Host-managed
// memory: the host reserves the query, batch and score regions once and copies gallery vectors
// in batches (they live in the shard memory).

/** Host-managed memory: regions reserved once, never per scan. */
export function allocate(bytes: i32): usize { return heap.alloc(<usize>bytes); }

/**
 * scores[i] = (agreeing bits − disagreeing bits) between the query and vector i, for `count`
 * vectors of `bytes` packed bytes each (a multiple of 16, at most 4,096): the inner product of
 * the two ±1 vectors, so score / (8 · bytes) is their cosine.
 */
export function agreementMany(query: usize, base: usize, count: i32, bytes: i32, scores: usize): void {
  const bits = bytes << 3;
  for (let i = 0; i < count; i++) {
    const v = base + <usize>(i * bytes);
    // per 16 bytes a lane pair adds ≤ 16: 4,096 bytes stay under the u16 lanes' 65,535
    let acc = i16x8.splat(0);
    for (let d = 0; d < bytes; d += 16) {
      const differ = v128.xor(v128.load(v + <usize>d), v128.load(query + <usize>d));
      acc = i16x8.add(acc, i16x8.extadd_pairwise_i8x16_u(i8x16.popcnt(differ)));
    }
    const wide = i32x4.extadd_pairwise_i16x8_u(acc);
    const differing = i32x4.extract_lane(wide, 0) + i32x4.extract_lane(wide, 1) + i32x4.extract_lane(wide, 2) + i32x4.extract_lane(wide, 3);
    store<i32>(scores + (<usize>i << 2), bits - 2 * differing);
  }
}
