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
  for (let i = 0; i < count; i++) {
    store<i32>(scores + (<usize>i << 2), agreement(query, base + <usize>(i * bytes), bytes));
  }
}

/** The value agreementMany gives when a vector is not compared (`selected` 255). */
export const NOT_COMPARED: i32 = 0;

/**
 * The same score for each vector i against one of several queries: queries + selected[i]·bytes,
 * or none when selected[i] is 255 (score NOT_COMPARED). One pass over the vectors serves a probe
 * of several fingers, each gallery finger meeting only the probe finger of its position.
 */
export function agreementSelected(queries: usize, selected: usize, base: usize, count: i32, bytes: i32, scores: usize): void {
  for (let i = 0; i < count; i++) {
    const q = <i32>load<u8>(selected + <usize>i);
    const score = q == 255 ? NOT_COMPARED : agreement(queries + <usize>(q * bytes), base + <usize>(i * bytes), bytes);
    store<i32>(scores + (<usize>i << 2), score);
  }
}

// @ts-ignore: decorator
@inline function agreement(query: usize, v: usize, bytes: i32): i32 {
  // per 16 bytes a lane pair adds ≤ 16: 4,096 bytes stay under the u16 lanes' 65,535
  let acc = i16x8.splat(0);
  for (let d = 0; d < bytes; d += 16) {
    const differ = v128.xor(v128.load(v + <usize>d), v128.load(query + <usize>d));
    acc = i16x8.add(acc, i16x8.extadd_pairwise_i8x16_u(i8x16.popcnt(differ)));
  }
  const wide = i32x4.extadd_pairwise_i16x8_u(acc);
  const differing = i32x4.extract_lane(wide, 0) + i32x4.extract_lane(wide, 1) + i32x4.extract_lane(wide, 2) + i32x4.extract_lane(wide, 3);
  return (bytes << 3) - 2 * differing;
}
