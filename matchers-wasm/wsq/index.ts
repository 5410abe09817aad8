// WSQ decoder kernel (FBI IAFIS-IC-0110 v3). The host reads the frame size from the stream,
// checks it against its limits, calls reserve(inputBytes, width, height), copies the stream to
// the returned address and calls decode(inputBytes): 0, or a negative status from params.ts
// (the host maps it to a typed error). The 8-bit image is then at outputAddress().
//
// Pipeline: markers and tables (tables.ts, huffman.ts) → entropy-coded blocks → quantised
// coefficients (huffman.ts) → dequantised subbands (dequantize.ts) → inverse wavelet transform
// (wavelet.ts) → shift/scale, round and clamp to 8 bits.
import {
  OK, E_TRUNCATED, E_NO_SOI, E_BAD_MARKER, E_BAD_SEGMENT, E_MISSING_TABLE, E_TOO_FEW_COEFFICIENTS,
  E_NOT_RESERVED, E_SIZE_MISMATCH, SOI, EOI, SOF, SOB, DTT, DQT, DHT, DRT, COM, SOB_LENGTH, ROUNDING,
} from './params';
import { openStream, has, byte, word, offset } from './stream';
import {
  resetTables, readFrameHeader, readTransformTable, readQuantizationTable, skipSegment,
  frameDefined, frameWidth, frameHeight, frameShift, frameScale, transformDefined, quantDefined,
} from './tables';
import { resetHuffman, readHuffmanTables, huffmanDefined, decodeBlock } from './huffman';
import { layOutSubbands } from './subbands';
import { codedSamples, dequantize } from './dequantize';
import { reconstruct } from './wavelet';
import { reserveRegions, inputAt, coefficientsAt, imageAt, lineAt, outputAt, reservedWidth, reservedHeight, reservedInput } from './memory';

export function kernelVersion(): i32 { return 1; }

/** Lays memory out for one decode; returns where the host copies the stream, 0 if it cannot. */
export function reserve(inputBytes: i32, width: i32, height: i32): usize {
  return reserveRegions(inputBytes, width, height) ? inputAt : 0;
}

export function outputAddress(): usize { return outputAt; }

let failedAt: i32 = 0;
/** Byte offset in the stream where the last decode failed. */
export function errorOffset(): i32 { return failedAt; }

/** A table segment (or comment) at a point where tables are allowed. */
function readTable(marker: i32): i32 {
  if (marker == DTT) return readTransformTable();
  if (marker == DQT) return readQuantizationTable();
  if (marker == DHT) return readHuffmanTables();
  if (marker == COM || marker == DRT) return skipSegment();
  return E_BAD_MARKER;
}

function nextMarker(): i32 {
  if (!has(2)) return E_TRUNCATED;
  const marker = word();
  return (marker & 0xff00) == 0xff00 ? marker : E_BAD_MARKER;
}

function run(length: i32): i32 {
  if (reservedWidth == 0 || length > reservedInput) return E_NOT_RESERVED;
  openStream(inputAt, length);
  resetTables();
  resetHuffman();

  if (!has(2)) return E_TRUNCATED;
  if (word() != SOI) return E_NO_SOI;

  // Tables and comments, then the frame header.
  let marker = nextMarker();
  while (marker != SOF) {
    if (marker < 0) return marker;
    const status = readTable(marker);
    if (status != OK) return status;
    marker = nextMarker();
  }
  let status = readFrameHeader();
  if (status != OK) return status;
  if (frameWidth != reservedWidth || frameHeight != reservedHeight) return E_SIZE_MISMATCH;
  status = layOutSubbands(frameWidth, frameHeight);
  if (status != OK) return status;

  // Blocks, each preceded by any tables it needs, until EOI.
  const capacity = frameWidth * frameHeight;
  let count = 0;
  let blocks = 0;
  marker = nextMarker();
  while (true) {
    if (marker < 0) return marker;
    if (marker == EOI) break;
    if (marker == SOB) {
      if (!has(2)) return E_TRUNCATED;
      if (word() != SOB_LENGTH) return E_BAD_SEGMENT;
      if (!has(1)) return E_TRUNCATED;
      const table = byte();
      if (!huffmanDefined(table) || !transformDefined || !quantDefined) return E_MISSING_TABLE;
      const limit = codedSamples();
      if (limit > capacity) return E_BAD_SEGMENT;
      const n = decodeBlock(table, coefficientsAt, count, limit);
      if (n < 0) return n;
      count = n;
      blocks++;
    } else {
      status = readTable(marker);
      if (status != OK) return status;
    }
    marker = nextMarker();
  }
  if (blocks == 0 || !frameDefined || !transformDefined || !quantDefined) return E_MISSING_TABLE;
  if (count != codedSamples()) return E_TOO_FEW_COEFFICIENTS;

  memory.fill(imageAt, 0, <usize>capacity << 2);
  dequantize(coefficientsAt, imageAt, frameWidth);
  reconstruct(imageAt, frameWidth, lineAt, coefficientsAt);
  toBytes(imageAt, outputAt, capacity, frameScale, frameShift);
  return OK;
}

/** pixel = sample·R + M, rounded half up and clamped to 0..255. */
function toBytes(image: usize, out: usize, count: i32, scale: f32, shift: f32): void {
  for (let k = 0; k < count; k++) {
    let v = load<f32>(image + (<usize>k << 2)) * scale + shift + ROUNDING;
    if (!(v > 0)) v = 0; // NaN from a corrupt table becomes 0, never a trapping conversion
    else if (v > 255) v = 255;
    store<u8>(out + <usize>k, <u8>(<i32>v));
  }
}

/** Decodes the `length`-byte stream at the reserved input address. */
export function decode(length: i32): i32 {
  failedAt = 0;
  const status = run(length);
  if (status != OK) failedAt = offset();
  return status;
}
