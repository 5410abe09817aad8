// The face 1:N scan: exact int8 dot products of a probe code against many gallery codes.
// Each 16 bytes: two i16x8.extmul of the signed bytes (a product of two int8 fits int16),
// then i32x4.extadd_pairwise to i32 (no overflow: |sum| ≤ 128 · 16,384 < 2^31). Two gallery
// codes a step so their chains overlap. Host-managed memory: regions reserved once.

/** Host-managed memory: the host reserves probe, gallery and score regions once. */
export function allocate(bytes: i32): usize { return heap.alloc(<usize>bytes); }

/** The dimension this build was checked for (any multiple of 16 works). */
export function kernelReady(): i32 { return 1; }

@inline function dot16(acc: v128, a: v128, b: v128): v128 {
  acc = i32x4.add(acc, i32x4.extadd_pairwise_i16x8_s(i16x8.extmul_low_i8x16_s(a, b)));
  return i32x4.add(acc, i32x4.extadd_pairwise_i16x8_s(i16x8.extmul_high_i8x16_s(a, b)));
}

@inline function lanes(acc: v128): i32 {
  return i32x4.extract_lane(acc, 0) + i32x4.extract_lane(acc, 1) + i32x4.extract_lane(acc, 2) + i32x4.extract_lane(acc, 3);
}

/**
 * scores[i] = Σ_d probe[d] · gallery[i·stride + d] over `dim` int8 (dim a multiple of 16,
 * stride ≥ dim a multiple of 16), for i < count.
 */
export function dotMany(probe: usize, gallery: usize, count: i32, dim: i32, stride: i32, scores: usize): void {
  let i = 0;
  for (; i + 1 < count; i += 2) {
    const v0 = gallery + <usize>(i * stride);
    const v1 = v0 + <usize>stride;
    let a0 = i32x4.splat(0), a1 = i32x4.splat(0);
    for (let d = 0; d < dim; d += 16) {
      const p = v128.load(probe + <usize>d);
      a0 = dot16(a0, p, v128.load(v0 + <usize>d));
      a1 = dot16(a1, p, v128.load(v1 + <usize>d));
    }
    store<i32>(scores + (<usize>i << 2), lanes(a0));
    store<i32>(scores + (<usize>(i + 1) << 2), lanes(a1));
  }
  if (i < count) {
    const v0 = gallery + <usize>(i * stride);
    let a0 = i32x4.splat(0);
    for (let d = 0; d < dim; d += 16) a0 = dot16(a0, v128.load(probe + <usize>d), v128.load(v0 + <usize>d));
    store<i32>(scores + (<usize>i << 2), lanes(a0));
  }
}

/** The same scores one byte at a time: the speed bench's baseline and the tests' reference. */
export function dotManyScalar(probe: usize, gallery: usize, count: i32, dim: i32, stride: i32, scores: usize): void {
  for (let i = 0; i < count; i++) {
    const v = gallery + <usize>(i * stride);
    let sum: i32 = 0;
    for (let d = 0; d < dim; d++) sum += <i32>load<i8>(probe + <usize>d) * <i32>load<i8>(v + <usize>d);
    store<i32>(scores + (<usize>i << 2), sum);
  }
}
