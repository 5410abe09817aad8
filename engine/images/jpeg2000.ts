/**
 * JPEG 2000 (ISO/IEC 15444-1) to 8-bit gray through OpenJPEG compiled to WebAssembly
 * (@cornerstonejs/codec-openjpeg: no native code, no install script; the module is instantiated
 * once per process and reused). Reads raw codestreams (.j2k, "FF4F FF51") and JP2 files
 * (signature box, then boxes, the codestream in "jp2c").
 *
 * Before OpenJPEG sees a byte, this file checks the container and the codestream's SIZ marker
 * itself: size limits (a hostile header cannot make the decoder allocate), one gray or three
 * colour components of 1–8 unsigned bits without subsampling, and a codestream that ends with
 * its EOC marker (OpenJPEG decodes a cut codestream partially; a strict reader refuses it).
 * Error codes as for the other decoders: ERR_IMAGE_TRUNCATED, ERR_IMAGE_FORMAT,
 * ERR_IMAGE_TOO_LARGE, ERR_IMAGE_UNSUPPORTED.
 *
 * `encodeJpeg2000` writes gray codestreams (lossless by default) for tests and tools.
 */
import { createRequire } from 'node:module';
import { EngineError } from '../errors.ts';
import { checkImageSize, checkInputBytes, luma, type DecodeLimits, type GrayImage } from './gray-image.ts';

const JP2_SIGNATURE_BOX = [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a];
const SOC_SIZ = [0xff, 0x4f, 0xff, 0x51];
const EOC = [0xff, 0xd9];
/** SIZ marker segment: Lsiz counts 38 bytes of fixed fields (itself included) plus 3 per component. */
const SIZ_FIXED_BYTES = 38;
/** Offsets in the codestream: Lsiz after SOC and the SIZ marker, Csiz, the first component. */
const LSIZ_AT = 4;
const CSIZ_AT = 40;
const FIRST_COMPONENT_AT = 42;

export function isJpeg2000Codestream(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && SOC_SIZ.every((b, i) => bytes[i] === b);
}

export function isJp2(bytes: Uint8Array): boolean {
  return bytes.length >= JP2_SIGNATURE_BOX.length && JP2_SIGNATURE_BOX.every((b, i) => bytes[i] === b);
}

// ---------------------------------------------------------------------------------------------
// The codec (typed here: the package ships no types)
// ---------------------------------------------------------------------------------------------

interface FrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned: boolean;
  isUsingColorTransform?: boolean;
}

interface J2KDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): FrameInfo;
  getDecodedBuffer(): Uint8Array;
  delete(): void;
}

interface J2KEncoder {
  getDecodedBuffer(frame: FrameInfo): Uint8Array;
  setDecompositions(levels: number): void;
  setQuality(lossless: boolean, quality: number): void;
  encode(): void;
  getEncodedBuffer(): Uint8Array;
  delete(): void;
}

interface OpenJpegModule {
  J2KDecoder: new () => J2KDecoder;
  J2KEncoder: new () => J2KEncoder;
}

type OpenJpegFactory = (moduleArg: { print: (line: string) => void; printErr: (line: string) => void }) => Promise<OpenJpegModule>;

/** OpenJPEG's messages during the current call (it prints them; they become error reasons). */
let codecLog: string[] = [];
let codecPromise: Promise<OpenJpegModule> | undefined;

function loadCodec(): Promise<OpenJpegModule> {
  codecPromise ??= (async () => {
    // The package is an Emscripten CommonJS build that finds its .wasm beside itself.
    const factory = createRequire(import.meta.url)('@cornerstonejs/codec-openjpeg/wasmjs') as OpenJpegFactory;
    return factory({ print: (line) => codecLog.push(line), printErr: (line) => codecLog.push(line) });
  })().catch((cause: unknown) => {
    codecPromise = undefined; // a later call may try again
    throw new EngineError('ERR_KERNEL_MISSING', 'the OpenJPEG WebAssembly module could not be loaded', { cause });
  });
  return codecPromise;
}

/** Runs one synchronous codec call, collecting what OpenJPEG printed meanwhile. */
function withCodecLog<T>(run: () => T): { result?: T; thrown?: unknown; log: string[] } {
  codecLog = [];
  try {
    return { result: run(), log: codecLog };
  } catch (thrown) {
    return { thrown, log: codecLog };
  } finally {
    codecLog = [];
  }
}

// ---------------------------------------------------------------------------------------------
// Container and header checks
// ---------------------------------------------------------------------------------------------

function truncated(message: string): never {
  throw new EngineError('ERR_IMAGE_TRUNCATED', message);
}

function u32(bytes: Uint8Array, at: number): number {
  return bytes[at] * 0x1000000 + ((bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]);
}

/** The codestream inside a JP2 file: walks the top-level boxes to "jp2c", each bounded by the file. */
function jp2Codestream(bytes: Uint8Array): Uint8Array {
  for (let at = 0; at < bytes.length; ) {
    if (bytes.length - at < 8) truncated(`JP2 ends inside a box header at byte ${at}`);
    let length = u32(bytes, at);
    const type = String.fromCharCode(bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]);
    let header = 8;
    if (length === 1) { // a 64-bit length follows: only sizes JavaScript can index are meaningful
      if (bytes.length - at < 16) truncated(`JP2 ends inside the long length of box "${type}"`);
      const high = u32(bytes, at + 8);
      if (high !== 0) throw new EngineError('ERR_IMAGE_TOO_LARGE', `JP2 box "${type}" declares over 4 GiB`);
      length = u32(bytes, at + 12);
      header = 16;
    } else if (length === 0) {
      length = bytes.length - at; // "to the end of the file", allowed for the last box
    }
    if (length < header) throw new EngineError('ERR_IMAGE_FORMAT', `JP2 box "${type}" at byte ${at} declares ${length} bytes, less than its header`);
    if (at + length > bytes.length) truncated(`JP2 box "${type}" at byte ${at} needs ${length} bytes, ${bytes.length - at} remain`);
    if (type === 'jp2c') return bytes.subarray(at + header, at + length);
    at += length;
  }
  // Every JP2 holds a codestream box; running out of boxes before it means the file was cut.
  truncated('JP2 file ends before its codestream box ("jp2c")');
}

interface CodestreamHeader {
  width: number;
  height: number;
  components: number;
  bitsPerSample: number;
}

/** Reads and checks SIZ; refuses what the decode below does not turn into gray exactly. */
function readSiz(codestream: Uint8Array, limits: DecodeLimits): CodestreamHeader {
  if (codestream.length < 4) truncated('JPEG 2000 codestream ends inside its SOC/SIZ markers');
  if (!isJpeg2000Codestream(codestream)) throw new EngineError('ERR_IMAGE_FORMAT', 'JPEG 2000 codestream does not start with SOC then SIZ');
  if (codestream.length < FIRST_COMPONENT_AT) truncated('JPEG 2000 codestream ends inside its SIZ marker');
  const view = new DataView(codestream.buffer, codestream.byteOffset, codestream.byteLength);
  const lsiz = view.getUint16(LSIZ_AT);
  const components = view.getUint16(CSIZ_AT);
  if (components === 0 || lsiz !== SIZ_FIXED_BYTES + 3 * components) {
    throw new EngineError('ERR_IMAGE_FORMAT', `JPEG 2000 SIZ length ${lsiz} does not match its ${components} component(s)`);
  }
  if (codestream.length < LSIZ_AT + lsiz) truncated('JPEG 2000 codestream ends inside its SIZ component list');
  const width = view.getUint32(8) - view.getUint32(16);
  const height = view.getUint32(12) - view.getUint32(20);
  checkImageSize(width, height, limits);
  if (components !== 1 && components !== 3) {
    throw new EngineError('ERR_IMAGE_UNSUPPORTED', `JPEG 2000 image with ${components} components (only gray or RGB)`);
  }
  let bitsPerSample = 0;
  for (let c = 0; c < components; c++) {
    const at = FIRST_COMPONENT_AT + 3 * c;
    const ssiz = codestream[at];
    const bits = (ssiz & 0x7f) + 1;
    if (ssiz & 0x80) throw new EngineError('ERR_IMAGE_UNSUPPORTED', 'JPEG 2000 image with signed samples');
    if (bits > 8) throw new EngineError('ERR_IMAGE_UNSUPPORTED', `JPEG 2000 image with ${bits}-bit samples (only up to 8)`);
    if (c > 0 && bits !== bitsPerSample) throw new EngineError('ERR_IMAGE_UNSUPPORTED', 'JPEG 2000 components of different depths');
    if (codestream[at + 1] !== 1 || codestream[at + 2] !== 1) throw new EngineError('ERR_IMAGE_UNSUPPORTED', 'JPEG 2000 image with subsampled components');
    bitsPerSample = bits;
  }
  if (codestream[codestream.length - 2] !== EOC[0] || codestream[codestream.length - 1] !== EOC[1]) {
    truncated('JPEG 2000 codestream does not end with its EOC marker (cut short)');
  }
  return { width, height, components, bitsPerSample };
}

// ---------------------------------------------------------------------------------------------
// Decode and encode
// ---------------------------------------------------------------------------------------------

/** A codec object, or ERR_KERNEL_MISSING when the instance cannot make one (it is then replaced). */
function newInstance<T>(make: new () => T): T {
  try {
    return new make();
  } catch (cause) {
    codecPromise = undefined;
    throw new EngineError('ERR_KERNEL_MISSING', 'the OpenJPEG WebAssembly instance failed; retry', { cause });
  }
}

/** OpenJPEG's reason in one line, or a fallback. */
function reasonFrom(log: string[], fallback: string): string {
  const errors = log.filter((line) => line.includes('[ERROR]')).map((line) => line.replace('[ERROR]', '').trim());
  return errors.length > 0 ? errors.join('; ') : fallback;
}

/** Decodes a JPEG 2000 codestream or JP2 file to gray. Rejects only with EngineError. */
export async function decodeJpeg2000(bytes: Uint8Array, limits: DecodeLimits = {}): Promise<GrayImage> {
  checkInputBytes(bytes, limits);
  let codestream: Uint8Array;
  if (isJp2(bytes)) codestream = jp2Codestream(bytes);
  else if (isJpeg2000Codestream(bytes)) codestream = bytes;
  else if (bytes.length < 4) truncated('JPEG 2000 image ends inside its signature');
  else throw new EngineError('ERR_IMAGE_FORMAT', 'not a JPEG 2000 codestream or JP2 file (no known signature)');
  const header = readSiz(codestream, limits);

  const decoder = newInstance((await loadCodec()).J2KDecoder);
  try {
    const { thrown, log } = withCodecLog(() => {
      decoder.getEncodedBuffer(codestream.length).set(codestream);
      decoder.decode();
    });
    // A trap leaves the instance's memory in an unknown state: the next call gets a fresh one.
    if (thrown instanceof WebAssembly.RuntimeError) codecPromise = undefined;
    const frame = withCodecLog(() => decoder.getFrameInfo()).result;
    if (thrown !== undefined || frame === undefined || frame.width !== header.width || frame.height !== header.height || frame.componentCount !== header.components) {
      const reason = reasonFrom(log, 'OpenJPEG could not decode the codestream');
      const code = /too short|reached its end|end of (the )?stream|truncat/i.test(reason) ? 'ERR_IMAGE_TRUNCATED' : 'ERR_IMAGE_FORMAT';
      throw new EngineError(code, `JPEG 2000 image could not be decoded: ${reason}`);
    }
    const decoded = decoder.getDecodedBuffer();
    const pixelCount = header.width * header.height;
    if (decoded.length !== pixelCount * header.components) {
      throw new EngineError('ERR_IMAGE_FORMAT', `JPEG 2000 decoder returned ${decoded.length} bytes for ${pixelCount} pixels`);
    }
    return { width: header.width, height: header.height, pixels: toGray(decoded, header) };
  } finally {
    withCodecLog(() => decoder.delete()); // never masks the outcome above
  }
}

/** Interleaved samples of 1–8 bits → 8-bit gray (scaled to 0–255; colour as BT.601 luma). */
function toGray(decoded: Uint8Array, header: CodestreamHeader): Uint8Array {
  const pixels = new Uint8Array(header.width * header.height);
  const max = (1 << header.bitsPerSample) - 1;
  const scale = (v: number): number => (max === 255 ? v : Math.round((Math.min(v, max) * 255) / max));
  if (header.components === 1) {
    for (let k = 0; k < pixels.length; k++) pixels[k] = scale(decoded[k]);
  } else {
    for (let k = 0; k < pixels.length; k++) pixels[k] = luma(scale(decoded[3 * k]), scale(decoded[3 * k + 1]), scale(decoded[3 * k + 2]));
  }
  return pixels;
}

export interface Jpeg2000EncodeOptions {
  /** Reversible 5/3 wavelet, exact pixels (default true); false: irreversible 9/7 at `quality`. */
  lossless?: boolean;
  /** Lossy only: OpenJPEG's quality setting (a PSNR-like target; higher keeps more). Default 40. */
  quality?: number;
}

/** Wavelet levels so the smallest resolution stays at least a few pixels (OpenJPEG refuses more). */
function decompositionLevels(width: number, height: number): number {
  let levels = 0;
  while (levels < 5 && Math.min(width, height) >> (levels + 1) >= 8) levels++;
  return levels;
}

/** Encodes 8-bit gray as a JPEG 2000 codestream (.j2k). For tests and tools: not a hot path. */
export async function encodeJpeg2000(image: GrayImage, options: Jpeg2000EncodeOptions = {}): Promise<Uint8Array> {
  const { width, height, pixels } = image;
  if (!(pixels instanceof Uint8Array) || !Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0 || pixels.length !== width * height) {
    throw new EngineError('ERR_IMAGE_FORMAT', 'image must be {width, height, pixels: Uint8Array of width × height}');
  }
  const encoder = newInstance((await loadCodec()).J2KEncoder);
  try {
    const { thrown, log, result } = withCodecLog(() => {
      encoder.setDecompositions(decompositionLevels(width, height));
      if (options.lossless === false) encoder.setQuality(false, options.quality ?? 40);
      encoder.getDecodedBuffer({ width, height, bitsPerSample: 8, componentCount: 1, isSigned: false, isUsingColorTransform: false }).set(pixels);
      encoder.encode();
      return encoder.getEncodedBuffer().slice();
    });
    if (thrown !== undefined || result === undefined || result.length === 0) {
      throw new EngineError('ERR_IMAGE_FORMAT', `JPEG 2000 encoding failed: ${reasonFrom(log, 'OpenJPEG gave no codestream')}`);
    }
    return result;
  } finally {
    withCodecLog(() => encoder.delete());
  }
}
