// The prefilter's exact scan: int8 gallery vectors against an int16 query, dot products in i32
// with SIMD (i32x4.dot_i16x8_s). Host-managed memory: the host reserves the query, batch and
// score regions once and copies gallery vectors in batches (they live in the shard memory).

/** Host-managed memory: regions reserved once, never per scan. */
export function allocate(bytes: i32): usize { return heap.alloc(<usize>bytes); }

/**
 * scores[i] = Σ_d query[d] · base[i·dim + d] for `count` vectors of `dim` int8 (dim a multiple
 * of 16); query holds dim int16.
 */
export function dotMany(query: usize, base: usize, count: i32, dim: i32, scores: usize): void {
  for (let i = 0; i < count; i++) {
    const v = base + <usize>(i * dim);
    let acc = i32x4.splat(0);
    for (let d = 0; d < dim; d += 16) {
      const g = v128.load(v + <usize>d);
      const q = query + <usize>(d << 1);
      acc = i32x4.add(acc, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(g), v128.load(q)));
      acc = i32x4.add(acc, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(g), v128.load(q, 16)));
    }
    const sum = i32x4.extract_lane(acc, 0) + i32x4.extract_lane(acc, 1) + i32x4.extract_lane(acc, 2) + i32x4.extract_lane(acc, 3);
    store<i32>(scores + (<usize>i << 2), sum);
  }
}
