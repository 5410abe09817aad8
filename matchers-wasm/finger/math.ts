// Small numeric helpers shared by the stages: angle arithmetic, a fast atan2 (scalar and
// four-lane), the logistic used to size the scored-pair count, and the linear ramps that stand
// in for the compatibility sigmoids.

export const PI: f32 = <f32>Math.PI;
export const TWO_PI: f32 = 2.0 * <f32>Math.PI;

/** Signed difference a − b wrapped to [−π, π). */
// @ts-ignore: decorator
@inline export function angleDelta(a: f32, b: f32): f32 {
  let d = a - b;
  if (d < -PI) d += TWO_PI;
  else if (d >= PI) d -= TWO_PI;
  return d;
}

/** atan2 with ~1e-4 rad error: ample for tolerances of π/12. */
export function fastAtan2(y: f32, x: f32): f32 {
  const ax = abs<f32>(x), ay = abs<f32>(y);
  const mx = max<f32>(ax, ay);
  if (mx == 0) return 0;
  const a = min<f32>(ax, ay) / mx;
  const s = a * a;
  let r: f32 = ((<f32>-0.0464964749 * s + <f32>0.15931422) * s - <f32>0.327622764) * s * a + a;
  if (ay > ax) r = <f32>1.57079637 - r;
  if (x < 0) r = PI - r;
  if (y < 0) r = -r;
  return r;
}

/** Error function (Abramowitz–Stegun 7.1.26, |error| < 1.5e-7); used only when building templates. */
export function erf(x: f64): f64 {
  const sign: f64 = x < 0 ? -1 : 1;
  const ax = Math.abs(x);
  const t = 1.0 / (1.0 + 0.3275911 * ax);
  const y = 1.0 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-ax * ax);
  return sign * y;
}

/** Logistic Z(v; μ, τ) = 1 / (1 + e^(−τ(v − μ))). */
export function sigmoid(v: f32, mu: f32, tau: f32): f32 {
  return <f32>(1.0 / (1.0 + Math.exp(-<f64>tau * (<f64>v - <f64>mu))));
}

/** The clamped linear ramp standing in for Z(v; μ, τ): same centre, same slope there. */
// @ts-ignore: decorator
@inline export function ramp(v: f32, mu: f32, tau: f32): f32 {
  return max<f32>(0, min<f32>(1, 0.5 + (v - mu) * (tau * 0.25)));
}

/** Four ramps at once. */
// @ts-ignore: decorator
@inline export function rampX4(v: v128, mu: f32, tau: f32): v128 {
  const r = f32x4.add(f32x4.splat(0.5), f32x4.mul(f32x4.sub(v, f32x4.splat(mu)), f32x4.splat(tau * 0.25)));
  return f32x4.max(f32x4.splat(0), f32x4.min(f32x4.splat(1), r));
}

/**
 * rampX4 with pseudo-min/max (f32x4.pmin/pmax: one instruction each, where min/max also order
 * NaN and ±0). Equal to rampX4 for every non-NaN v: the clamped value 0.5 + x is never −0.
 */
// @ts-ignore: decorator
@inline export function rampX4Fast(v: v128, mu: f32, tau: f32): v128 {
  const r = f32x4.add(f32x4.splat(0.5), f32x4.mul(f32x4.sub(v, f32x4.splat(mu)), f32x4.splat(tau * 0.25)));
  return f32x4.pmax(f32x4.splat(0), f32x4.pmin(f32x4.splat(1), r));
}

/** Four signed angle differences, each wrapped to [−π, π). */
// @ts-ignore: decorator
@inline export function angleDeltaX4(a: v128, b: v128): v128 {
  let d = f32x4.sub(a, b);
  d = f32x4.add(d, v128.and(f32x4.lt(d, f32x4.splat(-PI)), f32x4.splat(TWO_PI)));
  return f32x4.sub(d, v128.and(f32x4.ge(d, f32x4.splat(PI)), f32x4.splat(TWO_PI)));
}

/** Four atan2 at once, same polynomial as fastAtan2 (atan2(0, 0) = 0). */
export function fastAtan2X4(y: v128, x: v128): v128 {
  const ax = f32x4.abs(x), ay = f32x4.abs(y);
  const mx = f32x4.max(f32x4.max(ax, ay), f32x4.splat(1e-30));
  const a = f32x4.div(f32x4.min(ax, ay), mx);
  const s = f32x4.mul(a, a);
  let p = f32x4.add(f32x4.mul(f32x4.splat(-0.0464964749), s), f32x4.splat(0.15931422));
  p = f32x4.sub(f32x4.mul(p, s), f32x4.splat(0.327622764));
  let r = f32x4.add(f32x4.mul(f32x4.mul(p, s), a), a);
  r = v128.bitselect(f32x4.sub(f32x4.splat(1.57079637), r), r, f32x4.gt(ay, ax));
  r = v128.bitselect(f32x4.sub(f32x4.splat(PI), r), r, f32x4.lt(x, f32x4.splat(0)));
  return v128.bitselect(f32x4.neg(r), r, f32x4.lt(y, f32x4.splat(0)));
}

/** fastAtan2X4 with pseudo-min/max: equal for finite x, y (the operands are |x|, |y| ≥ +0). */
export function fastAtan2X4Fast(y: v128, x: v128): v128 {
  const ax = f32x4.abs(x), ay = f32x4.abs(y);
  const mx = f32x4.pmax(f32x4.pmax(ax, ay), f32x4.splat(1e-30));
  const a = f32x4.div(f32x4.pmin(ax, ay), mx);
  const s = f32x4.mul(a, a);
  let p = f32x4.add(f32x4.mul(f32x4.splat(-0.0464964749), s), f32x4.splat(0.15931422));
  p = f32x4.sub(f32x4.mul(p, s), f32x4.splat(0.327622764));
  let r = f32x4.add(f32x4.mul(f32x4.mul(p, s), a), a);
  r = v128.bitselect(f32x4.sub(f32x4.splat(1.57079637), r), r, f32x4.gt(ay, ax));
  r = v128.bitselect(f32x4.sub(f32x4.splat(PI), r), r, f32x4.lt(x, f32x4.splat(0)));
  return v128.bitselect(f32x4.neg(r), r, f32x4.lt(y, f32x4.splat(0)));
}

/**
 * Four e^x for x ≤ 0 (clamped at −80, where the result is ~0 anyway), relative error ~5e-7:
 * x = (n + f)·ln 2 with n an integer and |f| ≤ ½, 2^f by its Taylor polynomial to degree 6.
 */
export function expX4(x: v128): v128 {
  const y = f32x4.mul(f32x4.max(x, f32x4.splat(-80)), f32x4.splat(1.44269504)); // log2(e)
  const n = f32x4.nearest(y);
  const f = f32x4.mul(f32x4.sub(y, n), f32x4.splat(0.693147181)); // ln 2
  let p = f32x4.add(f32x4.mul(f32x4.splat(1.0 / 720.0), f), f32x4.splat(1.0 / 120.0));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(1.0 / 24.0));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(1.0 / 6.0));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(0.5));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(1.0));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(1.0));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23); // 2^n
  return f32x4.mul(p, scale);
}
