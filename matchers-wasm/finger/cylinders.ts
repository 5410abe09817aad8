// Stage 1 of matching, run once per template: a bit-packed Minutia Cylinder-Code for each
// minutia. A cylinder records, in the minutia's own rotated frame, where neighbours lie and
// how their directions differ: invariant to translation and rotation by construction.
//
// A cell's bit compares a sum of Gaussian contributions (f64 exp and erf per neighbour: the
// "direct formulas") with a threshold. For speed the sums are first added up from lookup
// tables, four grid rows at a time; only the rare sums (under 1 % of cells) that the tables'
// error could put on the other side of the threshold are recomputed with the direct formulas,
// in the direct order, so the bits are exactly those of the direct formulas.
import {
  MAX_MINUTIAE, CYLINDER_RADIUS, SPATIAL_CELLS_PER_SIDE, DIRECTION_CELLS, CELL_WORDS,
  SPATIAL_SIGMA, DIRECTION_SIGMA, CELL_BIT_THRESHOLD, HULL_MARGIN, MIN_VALID_CELL_SHARE,
  MIN_CYLINDER_NEIGHBOURS, DIRECTION_TABLE_STEPS, SPATIAL_TABLE_STEPS, CELL_SUM_MARGIN, REACH_BAND,
} from './params';
import { PI, TWO_PI, angleDelta, erf, expX4 } from './math';
import { buildHull, hullDepth, insideEnlargedHull } from './hull';
import {
  TEMPLATE_MAGIC, CYLINDER_BYTES, xOffset, yOffset, directionOffset, normOffset, cylindersOffset, templateBytes,
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
const REACH2: f32 = NEIGHBOUR_REACH * NEIGHBOUR_REACH;
const SPATIAL_TABLE_STEP: f32 = REACH2 / <f32>SPATIAL_TABLE_STEPS;
/** −1 / (2σS²): the exponent of the spatial Gaussian per px². */
const SPATIAL_EXPONENT: f32 = -1.0 / (2.0 * SPATIAL_SIGMA * SPATIAL_SIGMA);

// The table-built sums live on the full grid of cells, in chunks of four rows of one column
// (one f32x4): layer-major, then column, then chunk. A neighbour adds to a few chunks per
// column, all four rows at once; cells outside the circle are summed too and never read.
const CHUNKS: i32 = (SPATIAL_CELLS_PER_SIDE + 3) >> 2; // at most 4 (16 rows)
const COLUMN_BYTES: i32 = CHUNKS * 16;
const LAYER_BYTES: i32 = SPATIAL_CELLS_PER_SIDE * COLUMN_BYTES;
const layerSums = memory.data(DIRECTION_CELLS * LAYER_BYTES, 16);
/** Per grid cell, whether a neighbour lies at the reach's edge (its sums are recomputed directly): 0 or −1 (i32). */
const edgeFlags = memory.data(LAYER_BYTES, 16);
/** v of each grid row's centre, px (rows past the grid, if any, far away: never within reach). */
const rowCentre = memory.data(COLUMN_BYTES, 16);
/** u of each grid column's centre, px. */
const columnCentre = new StaticArray<f32>(SPATIAL_CELLS_PER_SIDE);
/** The current neighbour's squared row distances (px²) and row factors e^(−dv²/2σS²), per grid row. */
const rowD2 = memory.data(COLUMN_BYTES, 16);
const rowFactor = memory.data(COLUMN_BYTES, 16);
/** The current neighbour's directional shares, each splatted over four lanes. */
const shareSplats = memory.data(DIRECTION_CELLS * 16, 16);
/** Validity words of a cylinder whose cells are all valid. */
const allValid = new StaticArray<u64>(2 * CELL_WORDS);

// Offsets of in-circle cell centres in the minutia's frame (u along its direction, v across).
const cellU = new StaticArray<f32>(SPATIAL_CELLS_PER_SIDE * SPATIAL_CELLS_PER_SIDE);
const cellV = new StaticArray<f32>(SPATIAL_CELLS_PER_SIDE * SPATIAL_CELLS_PER_SIDE);
/** Column (index along u) of each in-circle cell. */
const cellColumn = new StaticArray<i32>(SPATIAL_CELLS_PER_SIDE * SPATIAL_CELLS_PER_SIDE);
let cellCount: i32 = 0;
/** Per column of the cell grid: its first in-circle cell, and the rows (along v) it spans. */
const columnStart = new StaticArray<i32>(SPATIAL_CELLS_PER_SIDE);
const columnLow = new StaticArray<i32>(SPATIAL_CELLS_PER_SIDE);
const columnHigh = new StaticArray<i32>(SPATIAL_CELLS_PER_SIDE);
/** Lanes per entry of the directional-share table (two f32x4), so up to 8 direction layers. */
const LANES: i32 = 8;
/** Directional shares of all layers at DIRECTION_TABLE_STEPS + 1 direction differences over [−π, π]. */
const directionTable = new StaticArray<f32>((DIRECTION_TABLE_STEPS + 2) * LANES);
/** Spatial contribution at SPATIAL_TABLE_STEPS + 1 squared distances over [0, (3σS)²]. */
const spatialTable = new StaticArray<f32>(SPATIAL_TABLE_STEPS + 2);

/** Number of cylinder cells inside the radius (the unit of the validity shares). */
export function cylinderCellCount(): i32 { return cellCount; }

export function initCylinderGeometry(): bool {
  const half = <f32>SPATIAL_CELLS_PER_SIDE / 2.0;
  cellCount = 0;
  for (let i = 0; i < SPATIAL_CELLS_PER_SIDE; i++) { unchecked(columnLow[i] = 0); unchecked(columnHigh[i] = -1); }
  for (let i = 0; i < SPATIAL_CELLS_PER_SIDE; i++) {
    for (let j = 0; j < SPATIAL_CELLS_PER_SIDE; j++) {
      const u = (<f32>i + 0.5 - half) * CELL_SIZE, v = (<f32>j + 0.5 - half) * CELL_SIZE;
      if (u * u + v * v <= CYLINDER_RADIUS * CYLINDER_RADIUS) {
        unchecked(cellU[cellCount] = u); unchecked(cellV[cellCount] = v);
        unchecked(cellColumn[cellCount] = i);
        if (unchecked(columnHigh[i]) < unchecked(columnLow[i])) { unchecked(columnStart[i] = cellCount); unchecked(columnLow[i] = j); }
        unchecked(columnHigh[i] = j);
        cellCount++;
      }
    }
  }
  for (let i = 0; i < SPATIAL_CELLS_PER_SIDE; i++) unchecked(columnCentre[i] = (<f32>i + 0.5 - half) * CELL_SIZE);
  for (let j = 0; j < CHUNKS * 4; j++) store<f32>(rowCentre + (<usize>j << 2), j < SPATIAL_CELLS_PER_SIDE ? (<f32>j + 0.5 - half) * CELL_SIZE : 1.0e4);
  for (let c = 0; c < min<i32>(cellCount, CELL_WORDS * 128); c++) unchecked(allValid[c >> 6] |= <u64>1 << <u64>(c & 63));
  fillTables();
  return cellCount <= CELL_WORDS * 128 && DIRECTION_CELLS <= LANES && CHUNKS <= 4;
}

/** The lookup tables, from the very functions the direct path uses. */
function fillTables(): void {
  for (let e = 0; e <= DIRECTION_TABLE_STEPS + 1; e++) {
    const delta = -PI + <f32>e * (TWO_PI / <f32>DIRECTION_TABLE_STEPS);
    for (let k = 0; k < LANES; k++) {
      const centre = -PI + (<f32>k + 0.5) * DIRECTION_STEP;
      unchecked(directionTable[e * LANES + k] = k < DIRECTION_CELLS ? directionalContribution(centre, delta) : 0);
    }
  }
  for (let e = 0; e <= SPATIAL_TABLE_STEPS + 1; e++) {
    unchecked(spatialTable[e] = spatialContribution(Mathf.sqrt(<f32>e * SPATIAL_TABLE_STEP)));
  }
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
/** How deep each minutia lies inside the minutiae's hull, px. */
const depths = new StaticArray<f32>(MAX_MINUTIAE);
const neighbours = new StaticArray<i32>(MAX_MINUTIAE);
// (the next three have room for four lanes past the last neighbour: the validity test reads four at a time)
/** Per neighbour, the squared distance below which a cell is surely valid (its depth + the slack-reduced margin), px². */
const neighbourSure2 = new StaticArray<f32>(MAX_MINUTIAE + 4);
/** Neighbour positions in the cylinder's frame (u along its direction, v across), px. */
const neighbourU = new StaticArray<f32>(MAX_MINUTIAE + 4);
const neighbourV = new StaticArray<f32>(MAX_MINUTIAE + 4);
/** Per neighbour, its table-built directional shares (LANES per neighbour). */
const shares = new StaticArray<f32>(MAX_MINUTIAE * LANES);
/** Per neighbour, its directional shares from the direct formulas, each layer once asked for (bit k of `exactKnown`). */
const exactShares = new StaticArray<f32>(MAX_MINUTIAE * DIRECTION_CELLS);
const exactKnown = new StaticArray<i32>(MAX_MINUTIAE);
const contributions = new StaticArray<f32>(DIRECTION_CELLS);
/** The cylinder's words being assembled: validity then the layers, two u64 halves each. */
const words = new StaticArray<u64>(2 * CELL_WORDS * (1 + DIRECTION_CELLS));
/** Cells whose table-built sums are not trusted (recomputed directly), as cylinder bits: first
 *  those with a neighbour at the reach's edge (every layer), then per layer. */
const unsure = new StaticArray<u64>(2 * CELL_WORDS * (1 + DIRECTION_CELLS));
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
  for (let i = 0; i < n; i++) unchecked(depths[i] = hullDepth(unchecked(xs[i]), unchecked(ys[i])));
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

/**
 * Fills the cylinder of minutia m at `cylinder`; false when it is invalid (too little print or
 * too few neighbours). Stages: neighbours → cell validity → table-built sums → bits, with the
 * sums near the threshold recomputed by the direct formulas.
 */
function buildCylinder(m: i32, n: i32, minValidCells: i32, cylinder: usize): bool {
  const mx = unchecked(xs[m]), my = unchecked(ys[m]), mt = unchecked(ts[m]);
  const cosT = Mathf.cos(mt), sinT = Mathf.sin(mt);
  const count = gatherNeighbours(m, n, mx, my, mt, cosT, sinT);
  if (count < MIN_CYLINDER_NEIGHBOURS) return false;
  if (!markValidCells(m, count, mx, my, cosT, sinT, minValidCells)) return false;
  addUpSums(count);
  writeBits(cylinder, count, mx, my, cosT, sinT, mt);
  return true;
}

/** Other minutiae within radius + 3σS, their frame positions and table-built directional shares. */
function gatherNeighbours(m: i32, n: i32, mx: f32, my: f32, mt: f32, cosT: f32, sinT: f32): i32 {
  const reach = CYLINDER_RADIUS + NEIGHBOUR_REACH;
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (i == m) continue;
    const dx = unchecked(xs[i]) - mx, dy = unchecked(ys[i]) - my;
    if (dx * dx + dy * dy > reach * reach) continue;
    unchecked(neighbours[count] = i);
    unchecked(neighbourU[count] = dx * cosT + dy * sinT);
    unchecked(neighbourV[count] = dy * cosT - dx * sinT);
    const sure = unchecked(depths[i]) + SURELY_VALID_REACH;
    unchecked(neighbourSure2[count] = sure * sure);
    tableShares(angleDelta(mt, unchecked(ts[i])), changetype<usize>(shares) + (<usize>(count * LANES) << 2));
    unchecked(exactKnown[count] = 0);
    count++;
  }
  for (let l = count; l < count + 4; l++) { // lanes past the end vouch for no cell
    unchecked(neighbourU[l] = 0); unchecked(neighbourV[l] = 0); unchecked(neighbourSure2[l] = -1);
  }
  return count;
}

/** Directional shares of every layer for a direction difference, linearly interpolated. */
function tableShares(delta: f32, out: usize): void {
  const x = (delta + PI) * (<f32>DIRECTION_TABLE_STEPS / TWO_PI);
  const e = min<i32>(max<i32>(<i32>x, 0), DIRECTION_TABLE_STEPS);
  const f = x - <f32>e;
  const at = changetype<usize>(directionTable) + (<usize>(e * LANES) << 2);
  if (ASC_FEATURE_SIMD) {
    const w1 = f32x4.splat(f), w0 = f32x4.splat(1 - f);
    v128.store(out, f32x4.add(f32x4.mul(v128.load(at), w0), f32x4.mul(v128.load(at, LANES * 4), w1)));
    v128.store(out, f32x4.add(f32x4.mul(v128.load(at, 16), w0), f32x4.mul(v128.load(at, LANES * 4 + 16), w1)), 16);
  } else {
    for (let k = 0; k < LANES; k++) {
      const p = at + (<usize>k << 2);
      store<f32>(out + (<usize>k << 2), load<f32>(p) * (1 - f) + load<f32>(p, LANES * 4) * f);
    }
  }
}

/**
 * Marks each cell valid or not; false as soon as too few can be valid. A minutia at depth D
 * inside the minutiae's hull has the disk of radius D around it inside the hull, so a cell
 * within D + the hull margin of it is within the margin of the hull: valid for sure. A
 * cylinder whose own minutia lies deep enough is valid throughout; otherwise only the cells
 * no minutia vouches for pay for the hull test, at the very point the direct path used.
 */
function markValidCells(m: i32, count: i32, mx: f32, my: f32, cosT: f32, sinT: f32, minValidCells: i32): bool {
  const centreSure = unchecked(depths[m]) + SURELY_VALID_REACH;
  if (centreSure >= CYLINDER_RADIUS) {
    for (let w = 0; w < 2 * CELL_WORDS; w++) unchecked(words[w] = allValid[w]);
    return true;
  }
  for (let w = 0; w < 2 * CELL_WORDS; w++) unchecked(words[w] = 0);
  const centreSure2 = centreSure * centreSure;
  const maxInvalid = cellCount - minValidCells;
  let invalid = 0;
  for (let c = 0; c < cellCount; c++) {
    const u = unchecked(cellU[c]), v = unchecked(cellV[c]);
    // frame distances differ from the direct ones by f32 rounding (≪ the 0.01 px slack)
    let valid = u * u + v * v < centreSure2 || vouchedByNeighbour(u, v, count);
    if (!valid) valid = insideEnlargedHull(mx + u * cosT - v * sinT, my + u * sinT + v * cosT, HULL_MARGIN);
    if (valid) unchecked(words[c >> 6] |= <u64>1 << <u64>(c & 63));
    else if (++invalid > maxInvalid) return false; // can no longer reach the valid share
  }
  return true;
}

/** True when some neighbour lies close enough to the cell at (u, v) to vouch for its validity. */
// @ts-ignore: decorator
@inline function vouchedByNeighbour(u: f32, v: f32, count: i32): bool {
  if (ASC_FEATURE_SIMD) {
    const cu = f32x4.splat(u), cv = f32x4.splat(v);
    for (let q = 0; q < count; q += 4) {
      const du = f32x4.sub(v128.load(changetype<usize>(neighbourU) + (<usize>q << 2)), cu);
      const dv = f32x4.sub(v128.load(changetype<usize>(neighbourV) + (<usize>q << 2)), cv);
      const d2 = f32x4.add(f32x4.mul(du, du), f32x4.mul(dv, dv));
      if (v128.any_true(f32x4.lt(d2, v128.load(changetype<usize>(neighbourSure2) + (<usize>q << 2))))) return true;
    }
    return false;
  }
  for (let q = 0; q < count; q++) {
    const du = unchecked(neighbourU[q]) - u, dv = unchecked(neighbourV[q]) - v;
    if (du * du + dv * dv < unchecked(neighbourSure2[q])) return true;
  }
  return false;
}

/** Table-built sums: each neighbour adds to the chunks of the columns within 3σS of it. */
function addUpSums(count: i32): void {
  memory.fill(layerSums, 0, <usize>(DIRECTION_CELLS * LAYER_BYTES));
  memory.fill(edgeFlags, 0, <usize>LAYER_BYTES);
  const half = <f32>SPATIAL_CELLS_PER_SIDE / 2.0 - 0.5; // grid index of the centre, in cells
  const toIndex: f32 = 1.0 / CELL_SIZE;
  const span = Mathf.sqrt(REACH2 + REACH_BAND);
  for (let q = 0; q < count; q++) {
    const nu = unchecked(neighbourU[q]), nv = unchecked(neighbourV[q]);
    const firstRow = max<i32>(<i32>Mathf.ceil((nv - span) * toIndex + half), 0);
    const lastRow = min<i32>(<i32>Mathf.floor((nv + span) * toIndex + half), SPATIAL_CELLS_PER_SIDE - 1);
    const firstColumn = max<i32>(<i32>Mathf.ceil((nu - span) * toIndex + half), 0);
    const lastColumn = min<i32>(<i32>Mathf.floor((nu + span) * toIndex + half), SPATIAL_CELLS_PER_SIDE - 1);
    if (firstRow > lastRow || firstColumn > lastColumn) continue;
    const firstChunk = firstRow >> 2, lastChunk = lastRow >> 2;
    for (let h = firstChunk; h <= lastChunk; h++) rowTerms(<usize>(h << 4), nv);
    const share = changetype<usize>(shares) + (<usize>(q * LANES) << 2);
    for (let k = 0; k < DIRECTION_CELLS; k++) splatShare(shareSplats + (<usize>k << 4), load<f32>(share + (<usize>k << 2)));
    for (let i = firstColumn; i <= lastColumn; i++) {
      const du = unchecked(columnCentre[i]) - nu;
      const du2 = du * du;
      if (du2 > REACH2 + REACH_BAND) continue;
      const columnFactor = spatialFromTable(du2); // the spatial Gaussian factors into u and v parts
      for (let h = firstChunk; h <= lastChunk; h++) {
        addChunk(<usize>(i * COLUMN_BYTES + (h << 4)), <usize>(h << 4), du2, columnFactor);
      }
    }
  }
}

// @ts-ignore: decorator
@inline function spatialFromTable(d2: f32): f32 {
  const x = d2 * (1.0 / SPATIAL_TABLE_STEP);
  const e = <i32>x;
  const f = x - <f32>e;
  return unchecked(spatialTable[e]) * (1 - f) + unchecked(spatialTable[e + 1]) * f;
}

/** The squared distances of the four rows of chunk `at` to v = nv, and their spatial factors. */
// @ts-ignore: decorator
@inline function rowTerms(at: usize, nv: f32): void {
  if (ASC_FEATURE_SIMD) {
    const dv = f32x4.sub(v128.load(rowCentre + at), f32x4.splat(nv));
    const d2 = f32x4.mul(dv, dv);
    v128.store(rowD2 + at, d2);
    v128.store(rowFactor + at, expX4(f32x4.mul(d2, f32x4.splat(SPATIAL_EXPONENT))));
  } else {
    for (let l: usize = 0; l < 16; l += 4) {
      const dv = load<f32>(rowCentre + at + l) - nv;
      store<f32>(rowD2 + at + l, dv * dv);
      store<f32>(rowFactor + at + l, <f32>Math.exp(<f64>(dv * dv) * <f64>SPATIAL_EXPONENT));
    }
  }
}

// @ts-ignore: decorator
@inline function splatShare(at: usize, share: f32): void {
  if (ASC_FEATURE_SIMD) v128.store(at, f32x4.splat(share));
  else store<f32>(at, share);
}

/**
 * Adds the current neighbour to the four cells of the chunk at byte `cell` of each layer
 * (`row`: the chunk's byte offset among the row terms): weight = column factor × row factor
 * where within 3σS, and flags the cells at the reach's edge.
 */
// @ts-ignore: decorator
@inline function addChunk(cell: usize, row: usize, du2: f32, columnFactor: f32): void {
  if (ASC_FEATURE_SIMD) {
    const d2 = f32x4.add(f32x4.splat(du2), v128.load(rowD2 + row));
    const atEdge = f32x4.le(f32x4.abs(f32x4.sub(d2, f32x4.splat(REACH2))), f32x4.splat(REACH_BAND));
    if (v128.any_true(atEdge)) v128.store(edgeFlags + cell, v128.or(v128.load(edgeFlags + cell), atEdge));
    const within = f32x4.le(d2, f32x4.splat(REACH2));
    if (!v128.any_true(within)) return; // no row of the chunk within reach
    const weight = v128.and(f32x4.mul(f32x4.splat(columnFactor), v128.load(rowFactor + row)), within);
    // written out per layer (the compiler drops the layers past DIRECTION_CELLS): no loop overhead
    addLayer(0, cell, weight); addLayer(1, cell, weight); addLayer(2, cell, weight); addLayer(3, cell, weight);
    addLayer(4, cell, weight); addLayer(5, cell, weight); addLayer(6, cell, weight); addLayer(7, cell, weight);
  } else {
    for (let l: usize = 0; l < 16; l += 4) {
      const d2 = du2 + load<f32>(rowD2 + row + l);
      if (Mathf.abs(d2 - REACH2) <= REACH_BAND) store<i32>(edgeFlags + cell + l, -1);
      if (d2 > REACH2) continue;
      const weight = columnFactor * load<f32>(rowFactor + row + l);
      for (let k = 0; k < DIRECTION_CELLS; k++) {
        const p = layerSums + <usize>(k * LAYER_BYTES) + cell + l;
        store<f32>(p, load<f32>(p) + weight * load<f32>(shareSplats + (<usize>k << 4)));
      }
    }
  }
}

// @ts-ignore: decorator
@inline function addLayer(k: i32, cell: usize, weight: v128): void {
  if (k < DIRECTION_CELLS) {
    const p = layerSums + <usize>(k * LAYER_BYTES) + cell;
    v128.store(p, f32x4.add(v128.load(p), f32x4.mul(weight, v128.load(shareSplats + (<usize>k << 4)))));
  }
}

/**
 * Sets the layer bits of the valid cells (the validity words are already in place) from the
 * table-built sums; the cells whose sums may fall on either side of the threshold are
 * recomputed directly.
 */
function writeBits(cylinder: usize, count: i32, mx: f32, my: f32, cosT: f32, sinT: f32, mt: f32): void {
  for (let w = 2 * CELL_WORDS; w < 2 * CELL_WORDS * (1 + DIRECTION_CELLS); w++) unchecked(words[w] = 0);
  for (let w = 0; w < 2 * CELL_WORDS * (1 + DIRECTION_CELLS); w++) unchecked(unsure[w] = 0);
  for (let i = 0; i < SPATIAL_CELLS_PER_SIDE; i++) {
    const low = unchecked(columnLow[i]), rows = unchecked(columnHigh[i]) - low + 1;
    if (rows <= 0) continue;
    const start = unchecked(columnStart[i]), keep: u64 = (<u64>1 << <u64>rows) - 1;
    const column = <usize>(i * COLUMN_BYTES);
    placeBits(unsure, 0, (columnFlags(edgeFlags + column) >> <u64>low) & keep, start, rows);
    for (let k = 0; k < DIRECTION_CELLS; k++) {
      const sums = layerSums + <usize>(k * LAYER_BYTES) + column;
      placeBits(words, 2 * CELL_WORDS * (1 + k), (columnAbove(sums) >> <u64>low) & keep, start, rows);
      placeBits(unsure, 2 * CELL_WORDS * (1 + k), (columnNear(sums) >> <u64>low) & keep, start, rows);
    }
  }
  for (let w = 0; w < 2 * CELL_WORDS; w++) {
    const valid = unchecked(words[w]);
    let doubtful = unchecked(unsure[w]);
    for (let k = 0; k < DIRECTION_CELLS; k++) {
      unchecked(words[2 * CELL_WORDS * (1 + k) + w] &= valid);
      doubtful |= unchecked(unsure[2 * CELL_WORDS * (1 + k) + w]);
    }
    doubtful &= valid;
    while (doubtful != 0) {
      const c = (w << 6) + <i32>ctz<u64>(doubtful);
      const bit = <u64>1 << <u64>(c & 63);
      let layers = 0; // the layers to recompute: all at the reach's edge, else the doubtful ones
      for (let k = 0; k < DIRECTION_CELLS; k++) {
        if ((unchecked(unsure[w]) | unchecked(unsure[2 * CELL_WORDS * (1 + k) + w])) & bit) layers |= 1 << k;
      }
      const above = directLayersAbove(c, layers, count, mx, my, cosT, sinT, mt);
      for (let k = 0; k < DIRECTION_CELLS; k++) {
        if (!((layers >> k) & 1)) continue;
        const at = 2 * CELL_WORDS * (1 + k) + w;
        unchecked(words[at] = (words[at] & ~bit) | ((above >> k) & 1 ? bit : 0));
      }
      doubtful &= doubtful - 1;
    }
  }
  for (let w = 0; w < 2 * CELL_WORDS * (1 + DIRECTION_CELLS); w++) store<u64>(cylinder + (<usize>w << 3), unchecked(words[w]));
}

/** ORs `bits` (a column's `rows` cells) into the cylinder bits from cell `start` on, words from `at`. */
// @ts-ignore: decorator
@inline function placeBits(target: StaticArray<u64>, at: i32, bits: u64, start: i32, rows: i32): void {
  const w = at + (start >> 6), s = start & 63;
  unchecked(target[w] |= bits << <u64>s);
  if (s + rows > 64) unchecked(target[w + 1] |= bits >> <u64>(64 - s));
}

// A column's rows as bits, chunk by chunk (written out; the compiler drops chunks past CHUNKS).
// @ts-ignore: decorator
@inline function columnAbove(at: usize): u64 {
  let bits = <u64>chunkAbove(at);
  if (CHUNKS > 1) bits |= <u64>chunkAbove(at + 16) << 4;
  if (CHUNKS > 2) bits |= <u64>chunkAbove(at + 32) << 8;
  if (CHUNKS > 3) bits |= <u64>chunkAbove(at + 48) << 12;
  return bits;
}
// @ts-ignore: decorator
@inline function columnNear(at: usize): u64 {
  let bits = <u64>chunkNear(at);
  if (CHUNKS > 1) bits |= <u64>chunkNear(at + 16) << 4;
  if (CHUNKS > 2) bits |= <u64>chunkNear(at + 32) << 8;
  if (CHUNKS > 3) bits |= <u64>chunkNear(at + 48) << 12;
  return bits;
}
// @ts-ignore: decorator
@inline function columnFlags(at: usize): u64 {
  let bits = <u64>chunkFlags(at);
  if (CHUNKS > 1) bits |= <u64>chunkFlags(at + 16) << 4;
  if (CHUNKS > 2) bits |= <u64>chunkFlags(at + 32) << 8;
  if (CHUNKS > 3) bits |= <u64>chunkFlags(at + 48) << 12;
  return bits;
}

/** Bit l set when row l of the chunk exceeds the threshold. */
// @ts-ignore: decorator
@inline function chunkAbove(at: usize): i32 {
  if (ASC_FEATURE_SIMD) return i32x4.bitmask(f32x4.gt(v128.load(at), f32x4.splat(CELL_BIT_THRESHOLD)));
  let bits = 0;
  for (let l = 0; l < 4; l++) if (load<f32>(at + (<usize>l << 2)) > CELL_BIT_THRESHOLD) bits |= 1 << l;
  return bits;
}

/** Bit l set when row l of the chunk is too close to the threshold to trust. */
// @ts-ignore: decorator
@inline function chunkNear(at: usize): i32 {
  if (ASC_FEATURE_SIMD) {
    const gap = f32x4.abs(f32x4.sub(v128.load(at), f32x4.splat(CELL_BIT_THRESHOLD)));
    return i32x4.bitmask(f32x4.le(gap, f32x4.splat(CELL_SUM_MARGIN)));
  }
  let bits = 0;
  for (let l = 0; l < 4; l++) if (Mathf.abs(load<f32>(at + (<usize>l << 2)) - CELL_BIT_THRESHOLD) <= CELL_SUM_MARGIN) bits |= 1 << l;
  return bits;
}

/** Bit l set when row l of the chunk's flag is set. */
// @ts-ignore: decorator
@inline function chunkFlags(at: usize): i32 {
  if (ASC_FEATURE_SIMD) return i32x4.bitmask(v128.load(at));
  let bits = 0;
  for (let l = 0; l < 4; l++) if (load<i32>(at + (<usize>l << 2)) != 0) bits |= 1 << l;
  return bits;
}

/**
 * Which of the given layers of cell c are above the threshold by the direct formulas: the
 * cell's own point, the neighbours of its column's pre-selection in ascending order, f64 exp
 * and erf. Each layer's sum is independent of the others, so only the asked ones are formed.
 */
function directLayersAbove(c: i32, layers: i32, count: i32, mx: f32, my: f32, cosT: f32, sinT: f32, mt: f32): i32 {
  const u = unchecked(cellU[c]), v = unchecked(cellV[c]);
  const px = mx + u * cosT - v * sinT, py = my + u * sinT + v * cosT;
  const cu = (<f32>unchecked(cellColumn[c]) + 0.5 - <f32>SPATIAL_CELLS_PER_SIDE / 2.0) * CELL_SIZE;
  for (let k = 0; k < DIRECTION_CELLS; k++) unchecked(contributions[k] = 0);
  for (let q = 0; q < count; q++) {
    // the direct path's column pre-selection: the very same u (same expression as neighbourU)
    if (Mathf.abs(unchecked(neighbourU[q]) - cu) > NEIGHBOUR_REACH + COLUMN_SLACK) continue;
    const i = unchecked(neighbours[q]);
    const dx = unchecked(xs[i]) - px, dy = unchecked(ys[i]) - py;
    const d2 = dx * dx + dy * dy;
    if (d2 > NEIGHBOUR_REACH * NEIGHBOUR_REACH) continue;
    const gs = spatialContribution(Mathf.sqrt(d2));
    for (let k = 0; k < DIRECTION_CELLS; k++) {
      if ((layers >> k) & 1) unchecked(contributions[k] += gs * directShare(q, k, mt));
    }
  }
  let above = 0;
  for (let k = 0; k < DIRECTION_CELLS; k++) if (unchecked(contributions[k]) > CELL_BIT_THRESHOLD) above |= 1 << k;
  return above & layers;
}

/** Neighbour q's share of layer k from the direct formulas, computed on first use per cylinder. */
function directShare(q: i32, k: i32, mt: f32): f32 {
  const at = q * DIRECTION_CELLS + k;
  if (unchecked(exactKnown[q]) & (1 << k)) return unchecked(exactShares[at]);
  const delta = angleDelta(mt, unchecked(ts[neighbours[q]]));
  const centre = -PI + (<f32>k + 0.5) * DIRECTION_STEP;
  const share = directionalContribution(centre, delta);
  unchecked(exactShares[at] = share);
  unchecked(exactKnown[q] |= 1 << k);
  return share;
}

/** √(set bits) over the direction layers: the cylinder's norm in bit-based MCC. */
function cylinderNorm(cylinder: usize): f32 {
  let bits = 0;
  for (let w = CELL_WORDS * 2; w < CELL_WORDS * 2 * (1 + DIRECTION_CELLS); w++) bits += <i32>popcnt<u64>(load<u64>(cylinder + (<usize>w << 3)));
  return Mathf.sqrt(<f32>bits);
}
