// Stage 9: the image quality score, 0–100, in the sense of NFIQ 2: how likely the image is to
// match. Three terms, each 0–1, are combined by their geometric mean, so any one failing
// (a small area, unclear ridges, too few minutiae) pulls the score down:
//   area     1 − exp(−finger area / QUALITY_AREA_SCALE)
//   clarity  mean orientation coherence over the finger, from COHERENCE_FLOOR (0) to _GOOD (1)
//   minutiae 1 − exp(−minutiae kept / QUALITY_MINUTIAE_SCALE)
// The saturating exponentials keep more always better without a hard ceiling, so good images
// still spread over the top of the scale.
import { BLOCK, QUALITY_AREA_SCALE, QUALITY_COHERENCE_FLOOR, QUALITY_COHERENCE_GOOD, QUALITY_MINUTIAE_SCALE } from './params';
import { BW, BH, maskPtr, coherencePtr } from './scratch';

export let meanCoherence: f32 = 0;
export let fingerArea: f32 = 0;

export function imageQuality(kept: i32): f32 {
  let blocks = 0;
  let sum: f32 = 0;
  const n = BW * BH;
  for (let i = 0; i < n; i++) {
    if (load<u8>(maskPtr + <usize>i) == 0) continue;
    blocks++;
    sum += load<f32>(coherencePtr + (<usize>i << 2));
  }
  meanCoherence = blocks > 0 ? sum / <f32>blocks : 0;
  fingerArea = <f32>(blocks * BLOCK * BLOCK);
  const area: f32 = 1 - Mathf.exp(-fingerArea / QUALITY_AREA_SCALE);
  const clarity = min<f32>(1, max<f32>(0, (meanCoherence - QUALITY_COHERENCE_FLOOR) / (QUALITY_COHERENCE_GOOD - QUALITY_COHERENCE_FLOOR)));
  const minutiae: f32 = 1 - Mathf.exp(-<f32>kept / QUALITY_MINUTIAE_SCALE);
  return 100 * Mathf.pow(area * clarity * minutiae, 1.0 / 3.0);
}
