// Small numeric helpers shared by the stages: angle arithmetic, a fast atan2 and
// sigmoid lookup tables (the relaxation stage evaluates thousands of sigmoids per comparison).

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

/** |a − b| on the circle, [0, π]; inputs within one turn of each other. */
// @ts-ignore: decorator
@inline export function angleDistance(a: f32, b: f32): f32 {
  let d = abs<f32>(a - b);
  if (d > PI) d = TWO_PI - d;
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

/** A sigmoid sampled on [0, range) with `size` steps; values past the range take the last entry. */
export class SigmoidTable {
  readonly data: StaticArray<f32>;
  readonly scale: f32;
  constructor(readonly size: i32, range: f32, mu: f32, tau: f32) {
    this.data = new StaticArray<f32>(size + 1);
    this.scale = <f32>size / range;
    for (let i = 0; i <= size; i++) unchecked(this.data[i] = sigmoid(<f32>i / this.scale, mu, tau));
  }
  // @ts-ignore: decorator
  @inline at(v: f32): f32 {
    const i = min<i32>(<i32>(v * this.scale + 0.5), this.size);
    return unchecked(this.data[i]);
  }
}
