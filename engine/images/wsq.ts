/**
 * WSQ (FBI IAFIS-IC-0110 v3, the gray-scale fingerprint compression of ANSI/NIST and ISO/IEC
 * 19794-4) to 8-bit gray, decoded by the AssemblyScript kernel build/wsq.wasm
 * (matchers-wasm/wsq/).
 *
 * This file reads only what must be known before the kernel runs: the SOI marker, the segments
 * up to the frame header (their lengths bound by the input) for the declared size, which is
 * checked against the limits before any memory is reserved, and the NIST_COM comment's PPI.
 * The kernel then re-reads the whole stream with its own bounds checks and returns a status
 * this file maps to a typed error. Error codes as for the other decoders: ERR_IMAGE_TRUNCATED,
 * ERR_IMAGE_FORMAT, ERR_IMAGE_TOO_LARGE, ERR_IMAGE_UNSUPPORTED (filters of mixed parity,
 * images too small for the WSQ decomposition).
 */
import { fileURLToPath } from 'node:url';
import { EngineError } from '../errors.ts';
import { instantiateKernel } from '../wasm-module.ts';
import { checkImageSize, checkInputBytes, type DecodeLimits, type GrayImage } from './gray-image.ts';

export interface WsqImage extends GrayImage {
  /** Scan resolution from the NIST_COM comment ("PPI"), pixels per inch; null when absent or not a positive number. */
  readonly ppi: number | null;
}

interface WsqKernelExports {
  memory: WebAssembly.Memory;
  kernelVersion(): number;
  reserve(inputBytes: number, width: number, height: number): number;
  decode(length: number): number;
  outputAddress(): number;
  errorOffset(): number;
}

const WASM_FILE = '../../build/wsq.wasm';
const SOI = 0xffa0;
const SOF = 0xffa2;
const TABLE_MARKERS = new Set([0xffa4, 0xffa5, 0xffa6, 0xffa7, 0xffa8]); // DTT DQT DHT DRT COM
const COM = 0xffa8;
/** Frame header fields before the size: Lf (2), A (1), B (1). */
const SOF_HEIGHT_AT = 4;
/** A kernel whose memory grew past this many bytes is dropped after the decode, so one huge image does not pin its memory. */
const KEEP_KERNEL_BYTES = 64 * 1024 * 1024;

/** The kernel's statuses (matchers-wasm/wsq/params.ts) → error code and reason. */
const STATUS: ReadonlyMap<number, readonly [string, string]> = new Map([
  [-1, ['ERR_IMAGE_TRUNCATED', 'the stream ends before its EOI marker']],
  [-2, ['ERR_IMAGE_FORMAT', 'no SOI marker']],
  [-3, ['ERR_IMAGE_FORMAT', 'a marker is missing or out of place']],
  [-4, ['ERR_IMAGE_FORMAT', 'a marker segment has an impossible length']],
  [-5, ['ERR_IMAGE_FORMAT', 'the frame header is invalid']],
  [-6, ['ERR_IMAGE_UNSUPPORTED', 'the image is too small for the WSQ decomposition']],
  [-7, ['ERR_IMAGE_FORMAT', 'the transform table is invalid']],
  [-8, ['ERR_IMAGE_UNSUPPORTED', 'wavelet filters of different parities (one even, one odd length) are not supported']],
  [-9, ['ERR_IMAGE_FORMAT', 'the quantisation table is invalid']],
  [-10, ['ERR_IMAGE_FORMAT', 'a Huffman table is invalid']],
  [-11, ['ERR_IMAGE_FORMAT', 'a block needs a table the stream does not define']],
  [-12, ['ERR_IMAGE_FORMAT', 'the entropy-coded data holds an invalid code']],
  [-13, ['ERR_IMAGE_FORMAT', 'the blocks hold more coefficients than the subbands']],
  [-14, ['ERR_IMAGE_FORMAT', 'the blocks hold fewer coefficients than the subbands']],
  [-16, ['ERR_IMAGE_FORMAT', 'the frame header changed between reads']],
]);

let kernel: WsqKernelExports | undefined;

function wsqKernel(): WsqKernelExports {
  if (kernel === undefined) {
    kernel = instantiateKernel<WsqKernelExports>(fileURLToPath(new URL(WASM_FILE, import.meta.url)), 'WSQ kernel');
    if (kernel.kernelVersion() !== 1) {
      kernel = undefined;
      throw new EngineError('ERR_KERNEL_PARAMS', 'build/wsq.wasm is not the WSQ decoder this engine expects: run "npm run build"');
    }
  }
  return kernel;
}

export function isWsq(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xa0;
}

interface WsqHeader {
  width: number;
  height: number;
  ppi: number | null;
}

const LATIN1 = new TextDecoder('latin1');

/** "PPI <n>" in a NIST_COM comment. */
function ppiFromComment(text: string): number | null {
  if (!text.startsWith('NIST_COM')) return null;
  const match = /(?:^|\n)PPI[ \t]+(-?\d+)/.exec(text);
  const ppi = match === null ? NaN : Number(match[1]);
  return Number.isInteger(ppi) && ppi > 0 ? ppi : null;
}

/** Walks SOI and the segments before the frame header, each bounded by the input. */
function readHeader(bytes: Uint8Array): WsqHeader {
  const truncated = (what: string): never => { throw new EngineError('ERR_IMAGE_TRUNCATED', `WSQ stream ends inside ${what}`); };
  if (bytes.length < 2) truncated('its SOI marker');
  if (!isWsq(bytes)) throw new EngineError('ERR_IMAGE_FORMAT', 'not a WSQ image (no SOI marker 0xFFA0)');
  let ppi: number | null = null;
  for (let at = 2; ;) {
    if (bytes.length - at < 4) truncated(`a marker segment at byte ${at}`);
    const marker = (bytes[at] << 8) | bytes[at + 1];
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    if (marker !== SOF && !TABLE_MARKERS.has(marker)) {
      throw new EngineError('ERR_IMAGE_FORMAT', `WSQ marker 0x${marker.toString(16).toUpperCase()} at byte ${at} where tables or the frame header belong`);
    }
    if (length < 2) throw new EngineError('ERR_IMAGE_FORMAT', `WSQ segment at byte ${at} declares ${length} bytes`);
    if (bytes.length - at - 2 < length) truncated(`the segment at byte ${at}`);
    if (marker === SOF) {
      if (length < SOF_HEIGHT_AT + 4) throw new EngineError('ERR_IMAGE_FORMAT', `WSQ frame header of ${length} bytes`);
      const height = (bytes[at + 2 + SOF_HEIGHT_AT] << 8) | bytes[at + 3 + SOF_HEIGHT_AT];
      const width = (bytes[at + 4 + SOF_HEIGHT_AT] << 8) | bytes[at + 5 + SOF_HEIGHT_AT];
      return { width, height, ppi };
    }
    if (marker === COM && ppi === null) ppi = ppiFromComment(LATIN1.decode(bytes.subarray(at + 4, at + 2 + length)));
    at += 2 + length;
  }
}

/** Decodes a WSQ image to gray. Throws only EngineError. */
export function decodeWsq(bytes: Uint8Array, limits: DecodeLimits = {}): WsqImage {
  checkInputBytes(bytes, limits);
  const { width, height, ppi } = readHeader(bytes);
  if (width === 0 || height === 0) throw new EngineError('ERR_IMAGE_FORMAT', `WSQ frame header declares ${width}×${height} px`);
  checkImageSize(width, height, limits);

  const k = wsqKernel();
  const input = k.reserve(bytes.length, width, height);
  if (input === 0) throw new EngineError('ERR_IMAGE_TOO_LARGE', `no memory for a ${width}×${height} WSQ image`);
  let status: number;
  try {
    new Uint8Array(k.memory.buffer, input, bytes.length).set(bytes);
    status = k.decode(bytes.length);
  } catch (cause) {
    kernel = undefined; // a trapped instance is not reused
    throw new EngineError('ERR_KERNEL_ABORT', 'the WSQ kernel failed', { cause });
  }
  try {
    if (status !== 0) {
      const [code, reason] = STATUS.get(status) ?? ['ERR_IMAGE_FORMAT', `kernel status ${status}`];
      throw new EngineError(code, `WSQ image could not be decoded: ${reason} (at byte ${k.errorOffset()})`);
    }
    const pixels = new Uint8Array(k.memory.buffer, k.outputAddress(), width * height).slice();
    return { width, height, pixels, ppi };
  } finally {
    if (k.memory.buffer.byteLength > KEEP_KERNEL_BYTES) kernel = undefined;
  }
}
