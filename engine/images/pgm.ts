/**
 * Binary PGM (P5), 8-bit (maxval ≤ 255): the simplest gray format, handy for generated
 * test images and research tools. ASCII PGM (P2) and 16-bit samples are refused.
 * Error codes as for BMP (see bmp.ts).
 */
import { EngineError } from '../errors.ts';
import { checkImageSize, type DecodeLimits, type GrayImage } from './gray-image.ts';

export function isPgm(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x50 && (bytes[1] === 0x35 || bytes[1] === 0x32); // "P5" / "P2"
}

/** Longest header text read: three numbers and comments; more is not a real PGM header. */
const MAX_HEADER_BYTES = 1024;

export function decodePgm(bytes: Uint8Array, limits: DecodeLimits = {}): GrayImage {
  if (!(bytes instanceof Uint8Array) || !isPgm(bytes)) throw new EngineError('ERR_IMAGE_FORMAT', 'not a PGM image (no "P5" signature)');
  if (bytes[1] === 0x32) throw new EngineError('ERR_IMAGE_UNSUPPORTED', 'ASCII PGM (P2) is not supported, only binary P5');
  let pos = 2;
  const number = (): number => {
    for (;;) {
      if (pos >= bytes.length) throw new EngineError('ERR_IMAGE_TRUNCATED', 'PGM ends inside its header');
      const c = bytes[pos];
      if (c === 0x23) { // '#': comment to the end of the line
        while (pos < bytes.length && bytes[pos] !== 0x0a) pos++;
      } else if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) pos++;
      else break;
    }
    let value = 0, digits = 0;
    while (pos < bytes.length && bytes[pos] >= 0x30 && bytes[pos] <= 0x39) {
      value = value * 10 + (bytes[pos++] - 0x30);
      if (++digits > 9) throw new EngineError('ERR_IMAGE_FORMAT', 'PGM header number is too long');
    }
    if (digits === 0) throw new EngineError(pos >= bytes.length ? 'ERR_IMAGE_TRUNCATED' : 'ERR_IMAGE_FORMAT', 'PGM header is malformed');
    if (pos > MAX_HEADER_BYTES) throw new EngineError('ERR_IMAGE_FORMAT', 'PGM header is too long');
    return value;
  };
  const width = number(), height = number(), maxval = number();
  if (maxval === 0 || maxval > 65535) throw new EngineError('ERR_IMAGE_FORMAT', `PGM maxval ${maxval} is out of range`);
  if (maxval > 255) throw new EngineError('ERR_IMAGE_UNSUPPORTED', '16-bit PGM is not supported');
  checkImageSize(width, height, limits);
  if (pos >= bytes.length) throw new EngineError('ERR_IMAGE_TRUNCATED', 'PGM ends before its pixels');
  pos++; // the single whitespace byte after maxval
  if (bytes.length < pos + width * height) throw new EngineError('ERR_IMAGE_TRUNCATED', `PGM pixel data needs ${width * height} bytes, ${bytes.length - pos} present`);
  const pixels = bytes.slice(pos, pos + width * height);
  if (maxval !== 255) for (let k = 0; k < pixels.length; k++) pixels[k] = Math.min(255, Math.round((pixels[k] * 255) / maxval));
  return { width, height, pixels };
}

/** Binary PGM bytes of a gray image (for tests and tools). */
export function encodePgm(image: GrayImage): Uint8Array {
  const header = new TextEncoder().encode(`P5\n${image.width} ${image.height}\n255\n`);
  const out = new Uint8Array(header.length + image.pixels.length);
  out.set(header);
  out.set(image.pixels, header.length);
  return out;
}
