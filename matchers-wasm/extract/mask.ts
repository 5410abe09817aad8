// Stage 2: segmentation. A block is finger when its gradient contrast is above the sensor's
// noise floor and a share of the image's strong blocks, and its gradients are oriented (ridges
// are parallel; noise and smudges are not). The raw mask is smoothed by majority votes,
// reduced to its largest connected part, and its holes are filled (cores, deltas and scars
// have low coherence but are finger). Last, each block's distance to the background.
import { BLOCK, MASK_MIN_CONTRAST, MASK_RELATIVE_CONTRAST, MASK_MIN_COHERENCE, MASK_SMOOTH_PASSES } from './params';
import { BW, BH, bxxPtr, byyPtr, bxyPtr, contrastPtr, maskPtr, tmpAPtr, tmpBPtr, queuePtr, borderDistPtr } from './scratch';

const HIST_BINS: i32 = 1024;
const hist = new StaticArray<i32>(HIST_BINS);

/** The value at quantile q (0–1) of a block plane, by a histogram over [0, max]. */
function quantile(plane: usize, q: f32): f32 {
  const n = BW * BH;
  let hi: f32 = 0;
  for (let i = 0; i < n; i++) hi = max(hi, load<f32>(plane + (<usize>i << 2)));
  if (hi <= 0) return 0;
  for (let b = 0; b < HIST_BINS; b++) hist[b] = 0;
  const scale = <f32>(HIST_BINS - 1) / hi;
  for (let i = 0; i < n; i++) hist[<i32>(load<f32>(plane + (<usize>i << 2)) * scale)]++;
  const target = <i32>(q * <f32>n);
  let seen = 0;
  for (let b = 0; b < HIST_BINS; b++) {
    seen += hist[b];
    if (seen > target) return <f32>b / scale;
  }
  return hi;
}

/** Orientation coherence over each block's 3×3 neighbourhood, into tmpA. */
function localCoherence(): void {
  for (let by = 0; by < BH; by++) {
    for (let bx = 0; bx < BW; bx++) {
      let xx: f32 = 0, yy: f32 = 0, xy: f32 = 0;
      for (let dy = -1; dy <= 1; dy++) {
        const y = by + dy;
        if (y < 0 || y >= BH) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const x = bx + dx;
          if (x < 0 || x >= BW) continue;
          const i = <usize>(y * BW + x) << 2;
          xx += load<f32>(bxxPtr + i); yy += load<f32>(byyPtr + i); xy += load<f32>(bxyPtr + i);
        }
      }
      const e = xx + yy;
      const c = e > 0 ? Mathf.sqrt((xx - yy) * (xx - yy) + 4 * xy * xy) / e : <f32>0;
      store<f32>(tmpAPtr + (<usize>(by * BW + bx) << 2), c);
    }
  }
}

function majorityPass(): void {
  const n = BW * BH;
  memory.copy(tmpBPtr, maskPtr, <usize>n);
  for (let by = 0; by < BH; by++) {
    for (let bx = 0; bx < BW; bx++) {
      let votes = 0, count = 0;
      for (let dy = -1; dy <= 1; dy++) {
        const y = by + dy;
        if (y < 0 || y >= BH) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const x = bx + dx;
          if (x < 0 || x >= BW) continue;
          votes += <i32>load<u8>(tmpBPtr + <usize>(y * BW + x));
          count++;
        }
      }
      store<u8>(maskPtr + <usize>(by * BW + bx), 2 * votes > count ? 1 : 0);
    }
  }
}

/** Flood fill over blocks whose mask value is `value`, from `seed`, marking `label` in tmpB (u8). Returns the size. */
function flood(seed: i32, value: u8, label: u8): i32 {
  let head = 0, tail = 0;
  store<i32>(queuePtr, seed); tail = 1;
  store<u8>(tmpBPtr + <usize>seed, label);
  while (head < tail) {
    const i = load<i32>(queuePtr + (<usize>head << 2)); head++;
    const x = i % BW, y = i / BW;
    for (let d = 0; d < 4; d++) {
      const nx = x + (d == 0 ? 1 : d == 1 ? -1 : 0), ny = y + (d == 2 ? 1 : d == 3 ? -1 : 0);
      if (nx < 0 || ny < 0 || nx >= BW || ny >= BH) continue;
      const j = ny * BW + nx;
      if (load<u8>(maskPtr + <usize>j) != value || load<u8>(tmpBPtr + <usize>j) != 0) continue;
      store<u8>(tmpBPtr + <usize>j, label);
      store<i32>(queuePtr + (<usize>tail << 2), j); tail++;
    }
  }
  return tail;
}

/** Keeps the largest 4-connected finger region. */
function keepLargestRegion(): void {
  const n = BW * BH;
  memory.fill(tmpBPtr, 0, <usize>n);
  let best = -1, bestSize = 0;
  for (let i = 0; i < n; i++) {
    if (load<u8>(maskPtr + <usize>i) == 0 || load<u8>(tmpBPtr + <usize>i) != 0) continue;
    // Label 1 for every region; the largest one's seed is refilled with label 2 below.
    const size = flood(i, 1, 1);
    if (size > bestSize) { bestSize = size; best = i; }
  }
  if (best < 0) return;
  memory.fill(tmpBPtr, 0, <usize>n);
  flood(best, 1, 2);
  for (let i = 0; i < n; i++) store<u8>(maskPtr + <usize>i, load<u8>(tmpBPtr + <usize>i) == 2 ? 1 : 0);
}

/** Background regions that do not touch the grid's edge are holes in the finger: filled. */
function fillHoles(): void {
  const n = BW * BH;
  memory.fill(tmpBPtr, 0, <usize>n);
  for (let i = 0; i < n; i++) {
    const x = i % BW, y = i / BW;
    if (x != 0 && y != 0 && x != BW - 1 && y != BH - 1) continue;
    if (load<u8>(maskPtr + <usize>i) == 0 && load<u8>(tmpBPtr + <usize>i) == 0) flood(i, 0, 1);
  }
  for (let i = 0; i < n; i++) {
    if (load<u8>(maskPtr + <usize>i) == 0 && load<u8>(tmpBPtr + <usize>i) == 0) store<u8>(maskPtr + <usize>i, 1);
  }
}

/** Chamfer (3-4) distance from each block to the nearest background block or the grid's edge, px. */
function borderDistance(): void {
  const n = BW * BH;
  const FAR: f32 = 1e9;
  for (let i = 0; i < n; i++) store<f32>(borderDistPtr + (<usize>i << 2), load<u8>(maskPtr + <usize>i) != 0 ? FAR : 0);
  // Outside the grid counts as background: a finger block on the edge is one block from it.
  for (let pass = 0; pass < 2; pass++) {
    for (let k = 0; k < n; k++) {
      const i = pass == 0 ? k : n - 1 - k;
      const x = i % BW, y = i / BW;
      let d = load<f32>(borderDistPtr + (<usize>i << 2));
      if (d == 0) continue;
      const s: i32 = pass == 0 ? -1 : 1;
      // Neighbours already visited in this pass: (x+s, y), (x-1..x+1, y+s).
      const cand0 = x + s >= 0 && x + s < BW ? load<f32>(borderDistPtr + (<usize>(y * BW + x + s) << 2)) + 3 : <f32>3;
      d = min(d, cand0);
      for (let dx = -1; dx <= 1; dx++) {
        const nx = x + dx, ny = y + s;
        const w: f32 = dx == 0 ? 3 : 4;
        const v = nx >= 0 && nx < BW && ny >= 0 && ny < BH ? load<f32>(borderDistPtr + (<usize>(ny * BW + nx) << 2)) + w : w;
        d = min(d, v);
      }
      store<f32>(borderDistPtr + (<usize>i << 2), d);
    }
  }
  const toPx = <f32>BLOCK / 3;
  for (let i = 0; i < n; i++) store<f32>(borderDistPtr + (<usize>i << 2), load<f32>(borderDistPtr + (<usize>i << 2)) * toPx);
}

/** Builds the mask; returns the number of finger blocks. */
export function segment(): i32 {
  const n = BW * BH;
  localCoherence();
  const threshold = max(MASK_MIN_CONTRAST, MASK_RELATIVE_CONTRAST * quantile(contrastPtr, 0.9));
  for (let i = 0; i < n; i++) {
    const ok = load<f32>(contrastPtr + (<usize>i << 2)) >= threshold && load<f32>(tmpAPtr + (<usize>i << 2)) >= MASK_MIN_COHERENCE;
    store<u8>(maskPtr + <usize>i, ok ? 1 : 0);
  }
  for (let p = 0; p < MASK_SMOOTH_PASSES; p++) majorityPass();
  keepLargestRegion();
  fillHoles();
  borderDistance();
  let count = 0;
  for (let i = 0; i < n; i++) count += <i32>load<u8>(maskPtr + <usize>i);
  return count;
}
