/**
 * ln Q(a, y), the regularised upper incomplete gamma function (the χ² survival function with
 * 2a degrees of freedom at 2y), for any a > 0: what dependence-aware fusion needs when the
 * effective number of independent comparisons is not a whole number. Series below y = a + 1,
 * Lentz's continued fraction above (both to 1e-15); logs throughout so that the far tail of a
 * genuine match (Q ≈ 1e-40) keeps its precision.
 */
const LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
const MAX_ITERATIONS = 300;
const EPSILON = 1e-15;
const TINY = 1e-300;

/** ln Γ(z), z > 0 (Lanczos, g = 7: about 15 digits). */
export function lnGamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - lnGamma(1 - z);
  const w = z - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i] / (w + i);
  const t = w + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (w + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** ln Q(a, y) for a > 0, y ≥ 0. */
export function lnUpperGamma(a: number, y: number): number {
  if (!(y > 0)) return 0;
  const lnPrefix = -y + a * Math.log(y) - lnGamma(a);
  if (y < a + 1) {
    // P(a, y) = e^(−y) y^a / Γ(a) · Σ y^n / (a (a+1) … (a+n)); Q = 1 − P
    let term = 1 / a, sum = term;
    for (let n = 1; n < MAX_ITERATIONS; n++) {
      term *= y / (a + n);
      sum += term;
      if (term < sum * EPSILON) break;
    }
    const p = Math.exp(lnPrefix) * sum;
    return p >= 1 ? Math.log(Number.MIN_VALUE) : Math.log1p(-p);
  }
  // Q(a, y) = e^(−y) y^a / Γ(a) · 1 / (y + 1 − a − 1·(1 − a) / (y + 3 − a − …))
  let b = y + 1 - a, c = 1 / TINY, d = 1 / b, h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return lnPrefix + Math.log(h);
}
