// Huffman tables (DHT) and the entropy-coded blocks. Codes are canonical, as in JPEG: BITS[l]
// codes of length l, assigned in increasing order. A block's data runs until the next marker
// (0xFF followed by a non-zero byte; 0xFF 0x00 is a stuffed 0xFF); bits left over in its last
// byte are padding. Restart markers inside a block only re-align to a byte.
import {
  OK, E_TRUNCATED, E_BAD_SEGMENT, E_BAD_HUFFMAN, E_BAD_CODE, E_TOO_MANY_COEFFICIENTS,
  HUFFMAN_TABLES, MAX_CODE_BITS, MAX_HUFFMAN_VALUES, RST_FIRST, RST_LAST,
  SYMBOL_MAX_RUN, SYMBOL_POS_8, SYMBOL_NEG_8, SYMBOL_POS_16, SYMBOL_NEG_16, SYMBOL_RUN_8, SYMBOL_RUN_16,
  SYMBOL_VALUE_FIRST, SYMBOL_VALUE_LAST, SYMBOL_VALUE_BIAS,
} from './params';
import { has, byte, word, remaining, peek, skip } from './stream';

const ROW = MAX_CODE_BITS + 2;
/** Per table: defined flag. */
const DEFINED: usize = memory.data(HUFFMAN_TABLES, 16);
/** Per table: the symbol values in code order. */
const VALUES: usize = memory.data(HUFFMAN_TABLES * MAX_HUFFMAN_VALUES, 16);
/** Per table and code length: smallest and largest code (−1: none), index of its first value. */
const MIN_CODE: usize = memory.data(HUFFMAN_TABLES * ROW * 4, 16);
const MAX_CODE: usize = memory.data(HUFFMAN_TABLES * ROW * 4, 16);
const FIRST_VALUE: usize = memory.data(HUFFMAN_TABLES * ROW * 4, 16);
/** Codes of up to LOOKUP_BITS bits, by the next LOOKUP_BITS bits of data: length << 8 | symbol
 *  (0: the code is longer, decode bit by bit). */
const LOOKUP_BITS = 8;
const LOOKUP: usize = memory.data(HUFFMAN_TABLES * (1 << LOOKUP_BITS) * 2, 16);

export function resetHuffman(): void {
  for (let t = 0; t < HUFFMAN_TABLES; t++) store<u8>(DEFINED + <usize>t, 0);
}

export function huffmanDefined(table: i32): bool {
  return table >= 0 && table < HUFFMAN_TABLES && load<u8>(DEFINED + <usize>table) != 0;
}

@inline function cell(base: usize, table: i32, length: i32): usize {
  return base + <usize>((table * ROW + length) << 2);
}

/** DHT: one or more tables, each Th, 16 counts, then the values. */
export function readHuffmanTables(): i32 {
  if (!has(2)) return E_TRUNCATED;
  const length = word();
  if (length < 2) return E_BAD_SEGMENT;
  if (!has(length - 2)) return E_TRUNCATED;
  let left = length - 2;
  if (left == 0) return E_BAD_SEGMENT;
  while (left > 0) {
    if (left < 1 + MAX_CODE_BITS) return E_BAD_SEGMENT;
    const table = byte();
    if (table >= HUFFMAN_TABLES) return E_BAD_HUFFMAN;
    // Counts first (kept in MIN_CODE's row for the moment), then the canonical codes.
    let total = 0;
    for (let l = 1; l <= MAX_CODE_BITS; l++) {
      const count = byte();
      store<i32>(cell(FIRST_VALUE, table, l), count);
      total += count;
    }
    left -= 1 + MAX_CODE_BITS;
    if (total == 0 || total > MAX_HUFFMAN_VALUES) return E_BAD_HUFFMAN;
    if (left < total) return E_BAD_SEGMENT;
    for (let k = 0; k < total; k++) store<u8>(VALUES + <usize>(table * MAX_HUFFMAN_VALUES + k), <u8>byte());
    left -= total;
    const lookup = LOOKUP + <usize>((table << LOOKUP_BITS) << 1);
    memory.fill(lookup, 0, <usize>((1 << LOOKUP_BITS) << 1));
    let code = 0;
    let index = 0;
    for (let l = 1; l <= MAX_CODE_BITS; l++) {
      const count = load<i32>(cell(FIRST_VALUE, table, l));
      store<i32>(cell(FIRST_VALUE, table, l), index);
      if (count == 0) {
        store<i32>(cell(MIN_CODE, table, l), 0);
        store<i32>(cell(MAX_CODE, table, l), -1);
      } else {
        store<i32>(cell(MIN_CODE, table, l), code);
        // Codes of length l are below 2^l, or the counts describe no prefix code.
        if (code + count > (1 << l)) return E_BAD_HUFFMAN;
        if (l <= LOOKUP_BITS) {
          for (let k = 0; k < count; k++) {
            const entry = <u16>((l << 8) | <i32>load<u8>(VALUES + <usize>(table * MAX_HUFFMAN_VALUES + index + k)));
            const first = (code + k) << (LOOKUP_BITS - l);
            for (let s = 0; s < (1 << (LOOKUP_BITS - l)); s++) store<u16>(lookup + (<usize>(first + s) << 1), entry);
          }
        }
        code += count;
        store<i32>(cell(MAX_CODE, table, l), code - 1);
        index += count;
      }
      code <<= 1;
    }
    store<u8>(DEFINED + <usize>table, 1);
  }
  return OK;
}

// ---------------------------------------------------------------------------------------------
// Bit reading
// ---------------------------------------------------------------------------------------------

let bits: u32 = 0;
let bitCount: i32 = 0;
/** Set when the next byte is a marker: the block's data has ended. */
let atMarker = false;
/** Set when a restart marker was passed: the bits of a code begun before it were padding. */
let restarted = false;
let status: i32 = OK;

/** The next data byte, unstuffing 0xFF 0x00; at a marker sets atMarker and leaves it unread. */
function nextByte(): i32 {
  while (true) {
    if (remaining() < 1) {
      status = E_TRUNCATED;
      return -1;
    }
    const b = peek(0);
    if (b != 0xff) {
      skip(1);
      return b;
    }
    if (remaining() < 2) {
      status = E_TRUNCATED;
      return -1;
    }
    const next = peek(1);
    if (next == 0) {
      skip(2);
      return 0xff;
    }
    const marker = 0xff00 | next;
    if (marker >= RST_FIRST && marker <= RST_LAST) {
      // A restart: skip it, drop the padding bits, keep decoding the same block.
      skip(2);
      bitCount = 0;
      bits = 0;
      restarted = true;
      continue;
    }
    atMarker = true;
    return -1;
  }
}

/**
 * Tops the bit buffer up with whole data bytes (to at most 32 bits), stopping before any marker
 * (restarts included) or the end of the input: those are left to nextByte, bit by bit.
 */
function fill(): void {
  while (bitCount <= 24) {
    if (remaining() < 1) return;
    const b = peek(0);
    if (b == 0xff) {
      if (remaining() < 2 || peek(1) != 0) return;
      skip(2);
    } else {
      skip(1);
    }
    bits = (bits << 8) | <u32>b;
    bitCount += 8;
  }
}

/** One bit, or −1 at a marker or the end of the input. */
@inline function bit(): i32 {
  if (bitCount == 0) {
    const b = nextByte();
    if (b < 0) return -1;
    bits = <u32>b;
    bitCount = 8;
  }
  bitCount--;
  return <i32>((bits >> <u32>bitCount) & 1);
}

/** n (≤ 16) raw bits, or −1 if the data ends first (an escape cut by a marker is corrupt). */
function rawBits(n: i32): i32 {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const b = bit();
    if (b < 0 || restarted) {
      // An escape's bits cut by a marker (or a restart) are corrupt data, not padding.
      if (atMarker || restarted) status = E_BAD_CODE;
      return -1;
    }
    v = (v << 1) | b;
  }
  return v;
}

/** The next symbol, −1 at the end of the block's data, −2 on an invalid code. */
function symbol(table: i32): i32 {
  if (bitCount < LOOKUP_BITS) fill();
  if (bitCount >= LOOKUP_BITS) {
    const next = (bits >> <u32>(bitCount - LOOKUP_BITS)) & ((1 << LOOKUP_BITS) - 1);
    const entry = <i32>load<u16>(LOOKUP + <usize>(((table << LOOKUP_BITS) + <i32>next) << 1));
    if (entry != 0) {
      bitCount -= entry >> 8;
      return entry & 0xff;
    }
  }
  let code = 0;
  for (let l = 1; l <= MAX_CODE_BITS; l++) {
    const b = bit();
    if (b < 0) return -1;
    if (restarted) {
      // The bits before the restart marker were padding: this bit starts a new code.
      restarted = false;
      code = 0;
      l = 1;
    }
    code = (code << 1) | b;
    if (code <= load<i32>(cell(MAX_CODE, table, l))) {
      const index = load<i32>(cell(FIRST_VALUE, table, l)) + code - load<i32>(cell(MIN_CODE, table, l));
      return <i32>load<u8>(VALUES + <usize>(table * MAX_HUFFMAN_VALUES + index));
    }
  }
  status = E_BAD_CODE;
  return -2;
}

/**
 * Decodes one block's data with `table`, appending quantised coefficients at `out` from index
 * `count` (never beyond `capacity`). Returns the new count, or a negative status. Stops at the
 * next marker, which is left for the caller.
 */
export function decodeBlock(table: i32, out: usize, count: i32, capacity: i32): i32 {
  bits = 0;
  bitCount = 0;
  atMarker = false;
  restarted = false;
  status = OK;
  let n = count;
  while (true) {
    const s = symbol(table);
    if (s < 0) {
      if (status != OK) return status;
      return n; // the marker that ends the block
    }
    let run = 0;
    let value = 0;
    if (s >= 1 && s <= SYMBOL_MAX_RUN) run = s;
    else if (s >= SYMBOL_VALUE_FIRST && s <= SYMBOL_VALUE_LAST) value = s - SYMBOL_VALUE_BIAS;
    else if (s == SYMBOL_POS_8 || s == SYMBOL_NEG_8 || s == SYMBOL_RUN_8) {
      const v = rawBits(8);
      if (v < 0) return status != OK ? status : E_BAD_CODE;
      if (s == SYMBOL_RUN_8) run = v; else value = s == SYMBOL_POS_8 ? v : -v;
    } else if (s == SYMBOL_POS_16 || s == SYMBOL_NEG_16 || s == SYMBOL_RUN_16) {
      const v = rawBits(16);
      if (v < 0) return status != OK ? status : E_BAD_CODE;
      if (s == SYMBOL_RUN_16) run = v; else value = s == SYMBOL_POS_16 ? v : -v;
    } else {
      return E_BAD_CODE; // 0, 255 and anything the table maps outside the alphabet
    }
    if (run > 0) {
      if (run > capacity - n) return E_TOO_MANY_COEFFICIENTS;
      memory.fill(out + <usize>(n << 2), 0, <usize>(run << 2));
      n += run;
    } else if (s < SYMBOL_RUN_8 || s > SYMBOL_RUN_16) {
      if (n >= capacity) return E_TOO_MANY_COEFFICIENTS;
      store<i32>(out + <usize>(n << 2), value);
      n++;
    }
  }
}
