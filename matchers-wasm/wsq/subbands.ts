// The spec's fixed decomposition: 20 tree nodes, each splitting a rectangle into four quadrants
// (rows filtered, then columns), and the 64 subbands that are its leaves, in transmission order.
//
// A split puts the lowpass half first, ceil(len/2) samples, unless the node is "spectrally
// inverted" along that axis (it lies in a highpass band of its parent), in which case the
// highpass half, floor(len/2) samples, comes first. Quadrants: 0 top-left, 1 top-right,
// 2 bottom-left, 3 bottom-right.
import { OK, E_TOO_SMALL, TREE_NODES, SUBBANDS, MIN_SPLIT_LENGTH } from './params';

/** Per node: parent node (−1 for the root), quadrant of the parent, inverted along x, along y. */
const NODE_PARENT: StaticArray<i32> = [-1, 0, 0, 0, 1, 1, 4, 4, 4, 4, 5, 5, 5, 5, 1, 14, 14, 14, 14, 15];
const NODE_QUADRANT: StaticArray<i32> = [0, 0, 1, 2, 1, 2, 0, 1, 2, 3, 0, 1, 2, 3, 0, 0, 1, 2, 3, 0];
const NODE_INVERT_X: StaticArray<i32> = [0, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0];
const NODE_INVERT_Y: StaticArray<i32> = [0, 0, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0];

/** Per subband 0..59: the node whose split makes it and the quadrant (60–63, the image's
 *  bottom-right quadrant, are never coded and stay zero). */
const BAND_NODE: StaticArray<i32> = [
  19, 19, 19, 19, 15, 15, 15, 16, 16, 16, 16, 17, 17, 17, 17, 18, 18, 18, 18,
  6, 6, 6, 6, 7, 7, 7, 7, 8, 8, 8, 8, 9, 9, 9, 9,
  10, 10, 10, 10, 11, 11, 11, 11, 12, 12, 12, 12, 13, 13, 13, 13,
  1, 2, 2, 2, 2, 3, 3, 3, 3,
];
const BAND_QUADRANT: StaticArray<i32> = [
  0, 1, 2, 3, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3,
  0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3,
  0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3,
  3, 0, 1, 2, 3, 0, 1, 2, 3,
];

/** Node rectangles: x, y, width, height (i32 each). */
export const NODES: usize = memory.data(TREE_NODES * 16, 16);
/** Subband rectangles: x, y, width, height (i32 each); 60–63 have zero size. */
export const BANDS: usize = memory.data(SUBBANDS * 16, 16);

@inline export function rectX(table: usize, i: i32): i32 { return load<i32>(table + <usize>(i << 4)); }
@inline export function rectY(table: usize, i: i32): i32 { return load<i32>(table + <usize>(i << 4) + 4); }
@inline export function rectW(table: usize, i: i32): i32 { return load<i32>(table + <usize>(i << 4) + 8); }
@inline export function rectH(table: usize, i: i32): i32 { return load<i32>(table + <usize>(i << 4) + 12); }
@inline export function invertX(node: i32): bool { return unchecked(NODE_INVERT_X[node]) != 0; }
@inline export function invertY(node: i32): bool { return unchecked(NODE_INVERT_Y[node]) != 0; }

function setRect(table: usize, i: i32, x: i32, y: i32, w: i32, h: i32): void {
  const at = table + <usize>(i << 4);
  store<i32>(at, x);
  store<i32>(at + 4, y);
  store<i32>(at + 8, w);
  store<i32>(at + 12, h);
}

/** Length of the first half of a split: the lowpass (ceil) unless inverted (floor). */
@inline function firstHalf(length: i32, inverted: bool): i32 {
  return inverted ? length >> 1 : (length + 1) >> 1;
}

/** Writes quadrant q of node n into `table` at index i. */
function quadrant(table: usize, i: i32, n: i32, q: i32): void {
  const x = rectX(NODES, n), y = rectY(NODES, n), w = rectW(NODES, n), h = rectH(NODES, n);
  const ax = firstHalf(w, invertX(n));
  const ay = firstHalf(h, invertY(n));
  const right = (q & 1) != 0;
  const bottom = (q & 2) != 0;
  setRect(table, i, right ? x + ax : x, bottom ? y + ay : y, right ? w - ax : ax, bottom ? h - ay : ay);
}

/** Lays out the tree for a width × height image; E_TOO_SMALL when some split has < 2 samples. */
export function layOutSubbands(width: i32, height: i32): i32 {
  setRect(NODES, 0, 0, 0, width, height);
  for (let n = 1; n < TREE_NODES; n++) quadrant(NODES, n, unchecked(NODE_PARENT[n]), unchecked(NODE_QUADRANT[n]));
  for (let n = 0; n < TREE_NODES; n++) {
    if (rectW(NODES, n) < MIN_SPLIT_LENGTH || rectH(NODES, n) < MIN_SPLIT_LENGTH) return E_TOO_SMALL;
  }
  for (let b = 0; b < 60; b++) quadrant(BANDS, b, unchecked(BAND_NODE[b]), unchecked(BAND_QUADRANT[b]));
  for (let b = 60; b < SUBBANDS; b++) setRect(BANDS, b, 0, 0, 0, 0);
  return OK;
}
