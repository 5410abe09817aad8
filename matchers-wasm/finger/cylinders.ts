// Stage 1 of matching, run once per template: a bit-packed Minutia Cylinder-Code for each
// minutia. A cylinder records, in the minutia's own rotated frame, where neighbours lie and
// how their directions differ: invariant to translation and rotation by construction.
import {
  MAX_MINUTIAE, CYLINDER_RADIUS, SPATIAL_CELLS_PER_SIDE, DIRECTION_CELLS, CELL_WORDS,
  SPATIAL_SIGMA, DIRECTION_SIGMA, CELL_BIT_THRESHOLD, HULL_MARGIN, MIN_VALID_CELL_SHARE,
  MIN_CYLINDER_NEIGHBOURS,
} from './params';
import { PI, TWO_PI, angleDelta, erf } from './math';
import { buildHull, insideEnlargedHull } from './hull';
import {
  TEMPLATE_MAGIC, WORD_BYTES, CYLINDER_BYTES, xOffset, yOffset, directionOffset, normOffset, cylindersOffset, templateBytes,
} from './layout';

const CELL_SIZE: f32 = 2.0 * CYLINDER_RADIUS / <f32>SPATIAL_CELLS_PER_SIDE;
const DIRECTION_STEP: f32 = TWO_PI / <f32>DIRECTION_CELLS;
const NEIGHBOUR_REACH: f32 = 3.0 * SPATIAL_SIGMA;
// Distance below which a point is certainly within HULL_MARGIN of the minutiae's hull; the
// slack (px) dwarfs f32 rounding, so the shortcut never disagrees with the hull test.
const SURELY_VALID_REACH: f32 = HULL_MARGIN - 0.01;
// Slack (px) on the column pre-selection: the rotated-frame distance differs from the one the
// cells use only by f32 rounding, far below this.
const COLUMN_SLACK: f32 = 1.0;

// Offsets of in-circle cell centres in the minutia's frame (u along its direction, v across).
const cellU = new StaticArray<f32>(SPATIAL_CELLS_PER_SIDE * SPATIAL_CELLS_PER_SIDE);
const cellV = new StaticArray<f32>(SPATIAL_CELLS_PER_SIDE * SPATIAL_CELLS_PER_SIDE);
/** Cells close enough to the cylinder's own minutia to be valid whatever the hull. */
const cellNearCentre = new StaticArray<bool>(SPATIAL_CELLS_PER_SIDE * SPATIAL_CELLS_PER_SIDE);
/** Column (index along u) of each in-circle cell. */
const cellColumn = new StaticArray<i32>(SPATIAL_CELLS_PER_SIDE * SPATIAL_CELLS_PER_SIDE);
let cellCount: i32 = 0;

/** Number of cylinder cells inside the radius (the unit of the validity shares). */
export function cylinderCellCount(): i32 { return cellCount; }

export function initCylinderGeometry(): bool {
  const half = <f32>SPATIAL_CELLS_PER_SIDE / 2.0;
  cellCount = 0;
  for (let i = 0; i < SPATIAL_CELLS_PER_SIDE; i++) {
    for (let j = 0; j < SPATIAL_CELLS_PER_SIDE; j++) {
      const u = (<f32>i + 0.5 - half) * CELL_SIZE, v = (<f32>j + 0.5 - half) * CELL_SIZE;
      if (u * u + v * v <= CYLINDER_RADIUS * CYLINDER_RADIUS) {
        unchecked(cellU[cellCount] = u); unchecked(cellV[cellCount] = v);
        unchecked(cellNearCentre[cellCount] = u * u + v * v < SURELY_VALID_REACH * SURELY_VALID_REACH);
        unchecked(cellColumn[cellCount] = i);
        cellCount++;
      }
    }
  }
  return cellCount <= CELL_WORDS * 128;
}

/** Share of a direction difference `delta` falling into the directional cell centred on `centre`. */
function directionalContribution(centre: f32, delta: f32): f32 {
  const a = <f64>angleDelta(centre, delta);
  const s = <f64>DIRECTION_SIGMA * Math.SQRT2;
  const h = <f64>DIRECTION_STEP / 2.0;
  return <f32>(0.5 * (erf((a + h) / s) - erf((a - h) / s)));
}

function spatialContribution(distance: f32): f32 {
  const s = <f64>SPATIAL_SIGMA;
  return <f32>(Math.exp(-(<f64>distance * <f64>distance) / (2.0 * s * s)) / (s * Math.sqrt(2.0 * Math.PI)));
}

const xs = new StaticArray<f32>(MAX_MINUTIAE);
const ys = new StaticArray<f32>(MAX_MINUTIAE);
const ts = new StaticArray<f32>(MAX_MINUTIAE);
const neighbours = new StaticArray<i32>(MAX_MINUTIAE);
const contributions = new StaticArray<f32>(DIRECTION_CELLS);
/** Directional shares of each neighbour of the current cylinder, DIRECTION_CELLS per neighbour. */
const directional = new StaticArray<f32>(MAX_MINUTIAE * DIRECTION_CELLS);
/** Per column of cells, the neighbours (ascending q) close enough along u to reach one of its cells. */
const columnNeighbours = new StaticArray<i32>(SPATIAL_CELLS_PER_SIDE * MAX_MINUTIAE);
const columnCounts = new StaticArray<i32>(SPATIAL_CELLS_PER_SIDE);
const scratchCylinders = memory.data(MAX_MINUTIAE * CYLINDER_BYTES, 16);
const keptOrder = new StaticArray<i32>(MAX_MINUTIAE);

/**
 * Reads n minutiae (x, y with y down, direction in ISO radians, type; 4 f32 each) at `input`
 * and writes the template at `out` (room for templateBytes(n) needed). Returns its size.
 */
export function buildTemplate(input: usize, n: i32, out: usize): i32 {
  n = min<i32>(n, MAX_MINUTIAE);
  for (let i = 0; i < n; i++) {
    const p = input + (<usize>i << 4);
    unchecked(xs[i] = load<f32>(p));
    unchecked(ys[i] = -load<f32>(p, 4)); // y up: ISO directions are counter-clockwise on screen
    let t = load<f32>(p, 8);
    t = t - TWO_PI * Mathf.floor(t / TWO_PI);
    unchecked(ts[i] = t);
  }
  buildHull(xs, ys, n);
  const minValidCells = <i32>Mathf.ceil(MIN_VALID_CELL_SHARE * <f32>cellCount);
  // Build every cylinder in scratch; keep the valid ones in order of direction, so that a
  // comparison finds the direction-compatible candidates as one contiguous range.
  let kept = 0;
  for (let m = 0; m < n; m++) {
    if (buildCylinder(m, n, minValidCells, scratchCylinders + <usize>(m * CYLINDER_BYTES))) {
      unchecked(keptOrder[kept] = m);
      kept++;
    }
  }
  for (let i = 1; i < kept; i++) { // insertion sort by direction, ties by index (deterministic)
    const v = unchecked(keptOrder[i]);
    let j = i - 1;
    while (j >= 0 && unchecked(ts[keptOrder[j]]) > unchecked(ts[v])) { unchecked(keptOrder[j + 1] = keptOrder[j]); j--; }
    unchecked(keptOrder[j + 1] = v);
  }
  for (let w = 0; w < kept; w++) {
    const m = unchecked(keptOrder[w]);
    memory.copy(out + <usize>(cylindersOffset(kept) + w * CYLINDER_BYTES), scratchCylinders + <usize>(m * CYLINDER_BYTES), CYLINDER_BYTES);
    store<f32>(out + <usize>xOffset(kept) + <usize>(w << 2), unchecked(xs[m]));
    store<f32>(out + <usize>yOffset(kept) + <usize>(w << 2), unchecked(ys[m]));
    store<f32>(out + <usize>directionOffset(kept) + <usize>(w << 2), unchecked(ts[m]));
    store<f32>(out + <usize>normOffset(kept) + <usize>(w << 2), cylinderNorm(scratchCylinders + <usize>(m * CYLINDER_BYTES)));
  }
  const size = templateBytes(kept);
  store<u32>(out, TEMPLATE_MAGIC);
  store<u32>(out, <u32>kept, 4);
  store<u32>(out, <u32>size, 8);
  store<u32>(out, <u32>n, 12);
  // zero the alignment gap so identical inputs give identical bytes
  const gapStart = normOffset(kept) + 4 * kept;
  memory.fill(out + <usize>gapStart, 0, <usize>(cylindersOffset(kept) - gapStart));
  return size;
}

/** Fills the cylinder of minutia m at `cylinder`; false when it is invalid (too little print or too few neighbours). */
function buildCylinder(m: i32, n: i32, minValidCells: i32, cylinder: usize): bool {
  const mx = unchecked(xs[m]), my = unchecked(ys[m]), mt = unchecked(ts[m]);
  let count = 0;
  const reach = CYLINDER_RADIUS + NEIGHBOUR_REACH;
  for (let i = 0; i < n; i++) {
    if (i == m) continue;
    const dx = unchecked(xs[i]) - mx, dy = unchecked(ys[i]) - my;
    if (dx * dx + dy * dy <= reach * reach) { unchecked(neighbours[count] = i); count++; }
  }
  if (count < MIN_CYLINDER_NEIGHBOURS) return false;
  // A neighbour's directional shares depend on its direction only, not on the cell: once
  // per neighbour instead of once per (cell, neighbour) — the same values, 10 erf calls fewer each time.
  for (let q = 0; q < count; q++) {
    const delta = angleDelta(mt, unchecked(ts[neighbours[q]]));
    const row = q * DIRECTION_CELLS;
    for (let k = 0; k < DIRECTION_CELLS; k++) {
      const centre = -PI + (<f32>k + 0.5) * DIRECTION_STEP;
      unchecked(directional[row + k] = directionalContribution(centre, delta));
    }
  }
  memory.fill(cylinder, 0, CYLINDER_BYTES);
  const cosT = Mathf.cos(mt), sinT = Mathf.sin(mt);
  // Neighbours farther than the spatial reach along u from a whole column of cells cannot
  // touch any of them: list each column's candidates once (in ascending q, so every cell
  // still sums its contributions in the original order and gets the very same bits).
  for (let col = 0; col < SPATIAL_CELLS_PER_SIDE; col++) unchecked(columnCounts[col] = 0);
  for (let q = 0; q < count; q++) {
    const i = unchecked(neighbours[q]);
    const nu = (unchecked(xs[i]) - mx) * cosT + (unchecked(ys[i]) - my) * sinT;
    for (let col = 0; col < SPATIAL_CELLS_PER_SIDE; col++) {
      const cu = (<f32>col + 0.5 - <f32>SPATIAL_CELLS_PER_SIDE / 2.0) * CELL_SIZE;
      if (Mathf.abs(nu - cu) <= NEIGHBOUR_REACH + COLUMN_SLACK) {
        const at = unchecked(columnCounts[col]);
        unchecked(columnNeighbours[col * MAX_MINUTIAE + at] = q);
        unchecked(columnCounts[col] = at + 1);
      }
    }
  }
  let valid = 0, invalid = 0;
  const maxInvalid = cellCount - minValidCells;
  for (let c = 0; c < cellCount; c++) {
    const u = unchecked(cellU[c]), v = unchecked(cellV[c]);
    const px = mx + u * cosT - v * sinT, py = my + u * sinT + v * cosT;
    for (let k = 0; k < DIRECTION_CELLS; k++) unchecked(contributions[k] = 0);
    // A cell within the hull margin of any minutia is within the margin of their hull (which
    // contains it): valid for sure, no need to ask the hull. Only the rest pay for the hull test.
    let surelyValid = unchecked(cellNearCentre[c]);
    const col = unchecked(cellColumn[c]);
    const listed = unchecked(columnCounts[col]), list = col * MAX_MINUTIAE;
    for (let l = 0; l < listed; l++) {
      const q = unchecked(columnNeighbours[list + l]);
      const i = unchecked(neighbours[q]);
      const dx = unchecked(xs[i]) - px, dy = unchecked(ys[i]) - py;
      const d2 = dx * dx + dy * dy;
      if (d2 < SURELY_VALID_REACH * SURELY_VALID_REACH) surelyValid = true;
      if (d2 > NEIGHBOUR_REACH * NEIGHBOUR_REACH) continue;
      const gs = spatialContribution(Mathf.sqrt(d2));
      const row = q * DIRECTION_CELLS;
      for (let k = 0; k < DIRECTION_CELLS; k++) {
        unchecked(contributions[k] += gs * directional[row + k]);
      }
    }
    for (let q = 0; q < count && !surelyValid; q++) { // the other neighbours, until one is near
      const i = unchecked(neighbours[q]);
      const dx = unchecked(xs[i]) - px, dy = unchecked(ys[i]) - py;
      surelyValid = dx * dx + dy * dy < SURELY_VALID_REACH * SURELY_VALID_REACH;
    }
    if (!surelyValid && !insideEnlargedHull(px, py, HULL_MARGIN)) {
      if (++invalid > maxInvalid) return false; // can no longer reach the valid share
      continue;
    }
    valid++;
    const wordByte = (c >> 7) * WORD_BYTES, bit = c & 127;
    setBit(cylinder + <usize>wordByte, bit);
    for (let k = 0; k < DIRECTION_CELLS; k++) {
      if (unchecked(contributions[k]) > CELL_BIT_THRESHOLD) {
        setBit(cylinder + <usize>(WORD_BYTES * CELL_WORDS * (1 + k) + wordByte), bit);
      }
    }
  }
  return valid >= minValidCells;
}

/** √(set bits) over the direction layers: the cylinder's norm in bit-based MCC. */
function cylinderNorm(cylinder: usize): f32 {
  let bits = 0;
  for (let w = CELL_WORDS * 2; w < CELL_WORDS * 2 * (1 + DIRECTION_CELLS); w++) bits += <i32>popcnt<u64>(load<u64>(cylinder + (<usize>w << 3)));
  return Mathf.sqrt(<f32>bits);
}

// @ts-ignore: decorator
@inline function setBit(word: usize, bit: i32): void {
  const p = word + <usize>(bit >> 3);
  store<u8>(p, load<u8>(p) | <u8>(<i32>1 << (bit & 7)));
}
