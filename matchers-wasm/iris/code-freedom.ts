// Stage 6: the code's degrees of freedom. Neighbouring bits of an iris code are correlated (the
// filter spans several code positions, bands overlap in texture), and how strongly depends on
// the eye and the sensor: faint, low-resolution texture (MMU1) gives more correlated bits than
// CASIA-V1's. Two unrelated codes then disagree on 50 % of their bits on average, but the
// spread of that share grows with the correlation, so one raw scale gives each sensor its own
// impostor tail (measured: ≈ 420 independent bits on CASIA-V1, ≈ 280–330 on MMU1). Daugman's
// normalisation counts bits; this stage lets the matcher count independent bits instead.
//
// For ±1 bits, the XOR of two unrelated codes has at lag ℓ the correlation ρ_a(ℓ)·ρ_b(ℓ), so the
// variance of their Hamming distance is that of n/s independent bits with s = 1 + 2 Σ_ℓ ρ_a ρ_b.
// Each template keeps s_t = 1 + 2 Σ_ℓ ρ_t(ℓ)² over lags up to DOF_ANGLE_LAGS code positions
// and DOF_BIT_LAGS bit rows, and its weight w_t = (DOF_REFERENCE / s_t)^¼; a comparison's
// distance from chance is scaled by w_a·w_b = (DOF_REFERENCE / √(s_a s_b))^½ (hamming.ts).
import { CODE_ANGLES } from './params';
import { DOF_ANGLE_LAGS, DOF_BIT_LAGS, DOF_REFERENCE, DOF_MIN_LAG_BITS } from './params';
import { BITS_PER_ANGLE, codeOffset, maskOffset } from './layout';

if (DOF_BIT_LAGS >= BITS_PER_ANGLE || DOF_ANGLE_LAGS >= CODE_ANGLES / 2) ERROR('degree-of-freedom lags must stay inside the code');

if (BITS_PER_ANGLE != 16) ERROR('code-freedom.ts reads one code position as one u16');

/** The weight w_t of the code and mask in the template at `template` (1 = a typical code). */
export function codeFreedomWeight(template: usize): f32 {
  const code = template + <usize>codeOffset(), mask = template + <usize>maskOffset();
  let s: f32 = 1;
  for (let da = 0; da <= DOF_ANGLE_LAGS; da++) {
    for (let dr = -DOF_BIT_LAGS; dr <= DOF_BIT_LAGS; dr++) {
      if (da == 0 && dr <= 0) continue; // each lag once
      // bit b of a position against bit b + dr of the position da on: the second word shifted
      // so the two line up, and only the bit rows that have a partner counted
      const rows: u32 = dr >= 0 ? 0xffff >> <u32>dr : (0xffff << <u32>(-dr)) & 0xffff;
      let differ = 0, pairs = 0;
      for (let a = 0; a < CODE_ANGLES; a++) {
        const a2 = (a + da) % CODE_ANGLES;
        const c1 = <u32>load<u16>(code + <usize>(a << 1)), m1 = <u32>load<u16>(mask + <usize>(a << 1));
        let c2 = <u32>load<u16>(code + <usize>(a2 << 1)), m2 = <u32>load<u16>(mask + <usize>(a2 << 1));
        if (dr >= 0) { c2 >>= <u32>dr; m2 >>= <u32>dr; } else { c2 <<= <u32>(-dr); m2 <<= <u32>(-dr); }
        const both = m1 & m2 & rows;
        pairs += <i32>popcnt<u32>(both);
        differ += <i32>popcnt<u32>((c1 ^ c2) & both);
      }
      if (pairs < DOF_MIN_LAG_BITS) continue; // too few pairs to estimate: taken as uncorrelated
      const excess: i32 = pairs - differ - differ; // agreements minus disagreements
      const rho = <f32>excess / <f32>pairs;
      s += 2 * rho * rho;
    }
  }
  return Mathf.sqrt(Mathf.sqrt(DOF_REFERENCE / s));
}
