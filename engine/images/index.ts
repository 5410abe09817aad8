/** Image decoding to gray: BMP and PGM here; PNG/JPEG/TIFF via sharp come with the image extractor work. */
import { EngineError } from '../errors.ts';
import { decodeBmp, isBmp } from './bmp.ts';
import { decodePgm, isPgm } from './pgm.ts';
import type { DecodeLimits, GrayImage } from './gray-image.ts';

export type { GrayImage, DecodeLimits } from './gray-image.ts';
export { DEFAULT_DECODE_LIMITS } from './gray-image.ts';
export { decodeBmp } from './bmp.ts';
export { decodePgm, encodePgm } from './pgm.ts';

/** Decodes BMP or PGM by signature; anything else is ERR_IMAGE_UNSUPPORTED. */
export function decodeGrayImage(bytes: Uint8Array, limits: DecodeLimits = {}): GrayImage {
  if (isBmp(bytes)) return decodeBmp(bytes, limits);
  if (isPgm(bytes)) return decodePgm(bytes, limits);
  throw new EngineError('ERR_IMAGE_UNSUPPORTED', 'image is neither BMP nor PGM (other formats are not decoded yet)');
}
