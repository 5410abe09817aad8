/**
 * Image decoding to gray. BMP and PGM by this project's own strict decoders, WSQ by the
 * project's WebAssembly kernel (sync: `decodeGrayImage`); PNG, TIFF and JPEG through sharp and
 * JPEG 2000 through OpenJPEG in WebAssembly (async: `decodeImage`, which also takes BMP, PGM
 * and WSQ). The format is sniffed from
 * the signature, never taken from a file name.
 */
import { EngineError } from '../errors.ts';
import { decodeBmp, isBmp } from './bmp.ts';
import { decodePgm, isPgm } from './pgm.ts';
import { checkInputBytes, type DecodeLimits, type GrayImage } from './gray-image.ts';
import { decodeWithSharp, sharpFormatOf } from './sharp-formats.ts';
import { decodeJpeg2000, isJp2, isJpeg2000Codestream } from './jpeg2000.ts';
import { decodeWsq, isWsq } from './wsq.ts';

export type { GrayImage, DecodeLimits } from './gray-image.ts';
export { DEFAULT_DECODE_LIMITS } from './gray-image.ts';
export { decodeBmp } from './bmp.ts';
export { decodePgm, encodePgm } from './pgm.ts';
export { decodeJpeg2000, encodeJpeg2000, type Jpeg2000EncodeOptions } from './jpeg2000.ts';
export { decodeWsq, type WsqImage } from './wsq.ts';

/** Decodes BMP, PGM or WSQ by signature; anything else is ERR_IMAGE_UNSUPPORTED (use `decodeImage`). */
export function decodeGrayImage(bytes: Uint8Array, limits: DecodeLimits = {}): GrayImage {
  if (isBmp(bytes)) return decodeBmp(bytes, limits);
  if (isPgm(bytes)) return decodePgm(bytes, limits);
  if (isWsq(bytes)) return decodeWsq(bytes, limits);
  throw new EngineError('ERR_IMAGE_UNSUPPORTED', 'image is neither BMP, PGM nor WSQ (decodeImage reads PNG, TIFF, JPEG and JPEG 2000 too)');
}

export type ImageFormat = 'bmp' | 'pgm' | 'png' | 'tiff' | 'jpeg' | 'jpeg2000' | 'wsq';

/** The format named by the first bytes' signature, or null when none is known. */
export function detectImageFormat(bytes: Uint8Array): ImageFormat | null {
  if (!(bytes instanceof Uint8Array)) return null;
  if (isBmp(bytes)) return 'bmp';
  if (isPgm(bytes)) return 'pgm';
  if (isJp2(bytes) || isJpeg2000Codestream(bytes)) return 'jpeg2000';
  if (isWsq(bytes)) return 'wsq';
  return sharpFormatOf(bytes);
}

/**
 * Decodes any supported image to 8-bit gray. The input size is checked first
 * (`limits.maxInputBytes`), then each decoder checks the declared size before decoding.
 * Rejects only with EngineError: ERR_IMAGE_TRUNCATED, ERR_IMAGE_FORMAT, ERR_IMAGE_TOO_LARGE,
 * ERR_IMAGE_UNSUPPORTED (an unknown signature, or a known format's unsupported variant).
 */
export async function decodeImage(bytes: Uint8Array, limits: DecodeLimits = {}): Promise<GrayImage> {
  checkInputBytes(bytes, limits);
  switch (detectImageFormat(bytes)) {
    case 'bmp': return decodeBmp(bytes, limits);
    case 'pgm': return decodePgm(bytes, limits);
    case 'jpeg2000': return decodeJpeg2000(bytes, limits);
    case 'wsq': return decodeWsq(bytes, limits);
    case 'png': case 'tiff': case 'jpeg': return decodeWithSharp(bytes, limits);
    case null: throw new EngineError('ERR_IMAGE_UNSUPPORTED', 'image format not recognised (BMP, PGM, PNG, TIFF, JPEG, JPEG 2000 and WSQ are read)');
  }
}
