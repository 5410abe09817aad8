/**
 * A small, strict BMP decoder for the sensors' usual output: uncompressed (BI_RGB) 8-bit
 * palette images (gray or colour palettes) and 24-bit BGR, bottom-up or top-down rows,
 * with a BITMAPINFOHEADER or a later (V4/V5) header. Everything else is refused with a typed
 * error rather than guessed at. Returns gray (palette colours and RGB become BT.601 luma).
 *
 * Error codes: ERR_IMAGE_TRUNCATED (the bytes end before the header or pixels do),
 * ERR_IMAGE_FORMAT (not a BMP, or inconsistent fields), ERR_IMAGE_TOO_LARGE (declared size
 * over the limits, checked before any allocation), ERR_IMAGE_UNSUPPORTED (a valid BMP of a
 * kind this decoder does not read: compression, 1/4/16/32 bits, OS/2 headers).
 */
import { EngineError } from '../errors.ts';
import { checkImageSize, luma, type DecodeLimits, type GrayImage } from './gray-image.ts';

const FILE_HEADER_BYTES = 14;
/** BITMAPINFOHEADER; V4 (108) and V5 (124) extend it and are read the same way. */
const INFO_HEADER_BYTES = 40;
const BI_RGB = 0;
const PALETTE_ENTRY_BYTES = 4;

export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d; // "BM"
}

export function decodeBmp(bytes: Uint8Array, limits: DecodeLimits = {}): GrayImage {
  if (!(bytes instanceof Uint8Array)) throw new EngineError('ERR_IMAGE_FORMAT', 'image must be a Uint8Array');
  if (bytes.length < 2 || !isBmp(bytes)) throw new EngineError('ERR_IMAGE_FORMAT', 'not a BMP image (no "BM" signature)');
  if (bytes.length < FILE_HEADER_BYTES + 4) throw new EngineError('ERR_IMAGE_TRUNCATED', `BMP of ${bytes.length} bytes ends inside its header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pixelOffset = view.getUint32(10, true);
  const infoBytes = view.getUint32(14, true);
  if (infoBytes === 12 || infoBytes === 64) throw new EngineError('ERR_IMAGE_UNSUPPORTED', `OS/2 BMP header (${infoBytes} bytes) is not supported`);
  if (infoBytes !== INFO_HEADER_BYTES && infoBytes !== 52 && infoBytes !== 56 && infoBytes !== 108 && infoBytes !== 124) {
    throw new EngineError('ERR_IMAGE_FORMAT', `BMP info header of ${infoBytes} bytes is not a known size`);
  }
  if (bytes.length < FILE_HEADER_BYTES + INFO_HEADER_BYTES) throw new EngineError('ERR_IMAGE_TRUNCATED', `BMP of ${bytes.length} bytes ends inside its info header`);

  const width = view.getInt32(18, true);
  const rawHeight = view.getInt32(22, true);
  const planes = view.getUint16(26, true);
  const bitsPerPixel = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  const coloursUsed = view.getUint32(46, true);
  if (planes !== 1) throw new EngineError('ERR_IMAGE_FORMAT', `BMP declares ${planes} planes (must be 1)`);
  if (compression !== BI_RGB) throw new EngineError('ERR_IMAGE_UNSUPPORTED', `BMP compression ${compression} is not supported (only uncompressed)`);
  if (bitsPerPixel !== 8 && bitsPerPixel !== 24) throw new EngineError('ERR_IMAGE_UNSUPPORTED', `BMP with ${bitsPerPixel} bits per pixel is not supported (only 8 and 24)`);
  // A negative height means top-down rows (-2^31 has no positive counterpart).
  if (rawHeight === -0x80000000) throw new EngineError('ERR_IMAGE_FORMAT', 'BMP height is out of range');
  const height = Math.abs(rawHeight);
  const topDown = rawHeight < 0;
  checkImageSize(width, height, limits);

  const paletteStart = FILE_HEADER_BYTES + infoBytes;
  let palette: Uint8Array | null = null;
  if (bitsPerPixel === 8) {
    const entries = coloursUsed === 0 ? 256 : coloursUsed;
    if (entries > 256) throw new EngineError('ERR_IMAGE_FORMAT', `BMP palette of ${entries} colours for 8-bit pixels`);
    if (paletteStart + entries * PALETTE_ENTRY_BYTES > pixelOffset) throw new EngineError('ERR_IMAGE_FORMAT', 'BMP palette overlaps the pixel data');
    if (bytes.length < paletteStart + entries * PALETTE_ENTRY_BYTES) throw new EngineError('ERR_IMAGE_TRUNCATED', 'BMP ends inside its palette');
    palette = new Uint8Array(256); // indices past the palette's end read as black
    for (let k = 0; k < entries; k++) {
      const p = paletteStart + k * PALETTE_ENTRY_BYTES;
      palette[k] = luma(bytes[p + 2], bytes[p + 1], bytes[p]);
    }
  } else if (pixelOffset < paletteStart) {
    throw new EngineError('ERR_IMAGE_FORMAT', 'BMP pixel data overlaps its header');
  }

  const rowBytes = width * (bitsPerPixel >> 3);
  const stride = (rowBytes + 3) & ~3;
  // Strict: the last row must be complete; its padding may be missing (some writers drop it).
  const needed = pixelOffset + stride * (height - 1) + rowBytes;
  if (bytes.length < needed) throw new EngineError('ERR_IMAGE_TRUNCATED', `BMP pixel data needs ${needed} bytes, the file has ${bytes.length}`);

  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const src = pixelOffset + (topDown ? y : height - 1 - y) * stride;
    const dst = y * width;
    if (palette !== null) {
      for (let x = 0; x < width; x++) pixels[dst + x] = palette[bytes[src + x]];
    } else {
      for (let x = 0; x < width; x++) {
        const p = src + 3 * x;
        pixels[dst + x] = luma(bytes[p + 2], bytes[p + 1], bytes[p]);
      }
    }
  }
  return { width, height, pixels };
}
