// Constants of the WSQ decoder kernel (FBI IAFIS-IC-0110 v3, "WSQ Gray-scale Fingerprint Image
// Compression Specification"). Byte counts are bytes, lengths samples.

// ---- markers (16-bit, big-endian in the stream) ----
export const SOI: i32 = 0xffa0;
export const EOI: i32 = 0xffa1;
export const SOF: i32 = 0xffa2;
export const SOB: i32 = 0xffa3;
export const DTT: i32 = 0xffa4;
export const DQT: i32 = 0xffa5;
export const DHT: i32 = 0xffa6;
export const DRT: i32 = 0xffa7;
export const COM: i32 = 0xffa8;
/** Restart markers RST0..RST7, only ever inside entropy-coded data. */
export const RST_FIRST: i32 = 0xffb0;
export const RST_LAST: i32 = 0xffb7;

// ---- fixed segment sizes (the length field counts itself) ----
/** Frame header: Lf, A, B, Y, X, Em, M, Er, R, Ev, Sf. */
export const SOF_LENGTH: i32 = 17;
/** Quantisation table: Lq, Ec, C, then 64 × (Eq, Q, Ez, Z). */
export const DQT_LENGTH: i32 = 389;
/** Block header: Ls, Td. */
export const SOB_LENGTH: i32 = 3;
/** One transmitted filter coefficient: sign byte, scale byte, 32-bit magnitude. */
export const FILTER_COEFFICIENT_BYTES: i32 = 6;

// ---- the decomposition ----
/** Subbands of the spec's fixed tree; 60–63 are never transmitted. */
export const SUBBANDS: i32 = 64;
export const CODED_SUBBANDS: i32 = 60;
/** Nodes of the wavelet tree (each splits a rectangle into four). */
export const TREE_NODES: i32 = 20;
/** Every split needs two samples a side (symmetric extension of one sample is undefined). */
export const MIN_SPLIT_LENGTH: i32 = 2;
/** Longest filter accepted (the spec's filters have 9 and 7 taps; longer is not WSQ). */
export const MAX_FILTER_TAPS: i32 = 31;
export const MAX_FILTER_HALF: i32 = (MAX_FILTER_TAPS - 1) / 2;

// ---- Huffman coding ----
export const HUFFMAN_TABLES: i32 = 8;
export const MAX_CODE_BITS: i32 = 16;
export const MAX_HUFFMAN_VALUES: i32 = 256;
/** Symbols: 1–100 a run of that many zeros; 101/102 an 8-bit positive/negative value; 103/104 a
 *  16-bit positive/negative value; 105/106 an 8-/16-bit zero-run length; 107–254 the value
 *  symbol − 180 (−73..74). */
export const SYMBOL_MAX_RUN: i32 = 100;
export const SYMBOL_POS_8: i32 = 101;
export const SYMBOL_NEG_8: i32 = 102;
export const SYMBOL_POS_16: i32 = 103;
export const SYMBOL_NEG_16: i32 = 104;
export const SYMBOL_RUN_8: i32 = 105;
export const SYMBOL_RUN_16: i32 = 106;
export const SYMBOL_VALUE_FIRST: i32 = 107;
export const SYMBOL_VALUE_LAST: i32 = 254;
export const SYMBOL_VALUE_BIAS: i32 = 180;

// ---- output ----
/** Reconstruction adds this before truncating to 8 bits (round half up, as the spec's decoder). */
export const ROUNDING: f32 = 0.5;

// ---- status codes returned by decode() (the host maps them to typed errors) ----
export const OK: i32 = 0;
export const E_TRUNCATED: i32 = -1;
export const E_NO_SOI: i32 = -2;
export const E_BAD_MARKER: i32 = -3;
export const E_BAD_SEGMENT: i32 = -4;
export const E_BAD_FRAME: i32 = -5;
export const E_TOO_SMALL: i32 = -6;
export const E_BAD_TRANSFORM: i32 = -7;
/** One filter of odd length and the other of even length. */
export const E_UNSUPPORTED_FILTER: i32 = -8;
export const E_BAD_QUANT: i32 = -9;
export const E_BAD_HUFFMAN: i32 = -10;
export const E_MISSING_TABLE: i32 = -11;
export const E_BAD_CODE: i32 = -12;
export const E_TOO_MANY_COEFFICIENTS: i32 = -13;
export const E_TOO_FEW_COEFFICIENTS: i32 = -14;
export const E_NOT_RESERVED: i32 = -15;
export const E_SIZE_MISMATCH: i32 = -16;
