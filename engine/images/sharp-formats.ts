/**
 * PNG, TIFF and JPEG to 8-bit gray through sharp (libvips; its prebuilt build reads these, not
 * BMP/PGM, and not JPEG 2000). Palette, 16-bit, gray+alpha and colour images all end as gray:
 * sharp renders them to 8-bit sRGB, then each pixel becomes its BT.601 luma (as in bmp.ts, so a
 * gray pixel keeps its exact value whatever the container).
 *
 * Order of checks: input size, then the header's declared size (sharp's metadata read, no pixel
 * decoded), then the decode with `limitInputPixels` as a second guard. Every sharp failure is
 * an EngineError: ERR_IMAGE_TRUNCATED when libvips reports an early end of data,
 * ERR_IMAGE_TOO_LARGE over the pixel limit, ERR_IMAGE_FORMAT otherwise; the message keeps
 * sharp's reason.
 */
import type { default as Sharp } from 'sharp';
import { EngineError } from '../errors.ts';
import { checkImageSize, checkInputBytes, DEFAULT_DECODE_LIMITS, luma, type DecodeLimits, type GrayImage } from './gray-image.ts';

export type SharpFormat = 'png' | 'tiff' | 'jpeg';

/** Loaded on first use, so importing the engine does not load libvips for BMP-only work. */
let sharpModule: Promise<typeof Sharp> | undefined;
function loadSharp(): Promise<typeof Sharp> {
  sharpModule ??= import('sharp').then((m) => m.default, (cause: unknown) => {
    sharpModule = undefined;
    throw new EngineError('ERR_KERNEL_MISSING', 'sharp (libvips) could not be loaded', { cause });
  });
  return sharpModule;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** The IEND chunk: zero length, type, CRC. Every complete PNG ends with these 12 bytes. */
const PNG_IEND = [0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];
const JPEG_EOI = [0xff, 0xd9];

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  if (at < 0 || bytes.length < at + prefix.length) return false;
  return prefix.every((b, i) => bytes[at + i] === b);
}

export function isPng(bytes: Uint8Array): boolean {
  return startsWith(bytes, PNG_SIGNATURE);
}

export function isJpeg(bytes: Uint8Array): boolean {
  return startsWith(bytes, [0xff, 0xd8, 0xff]);
}

/** Classic TIFF ("II*\0" / "MM\0*") and BigTIFF (43 instead of 42). */
export function isTiff(bytes: Uint8Array): boolean {
  return startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])
    || startsWith(bytes, [0x49, 0x49, 0x2b, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2b]);
}

export function sharpFormatOf(bytes: Uint8Array): SharpFormat | null {
  if (isPng(bytes)) return 'png';
  if (isTiff(bytes)) return 'tiff';
  if (isJpeg(bytes)) return 'jpeg';
  return null;
}

/** libvips phrases for input that stops early (libpng's "read error" is how it reports a cut). */
const TRUNCATION = /premature end|truncat|unexpected end|end of (file|data|stream)|buffer is empty|read error|not enough data/i;

function typedError(error: unknown, format: SharpFormat): EngineError {
  if (error instanceof EngineError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  if (/exceeds pixel limit/i.test(reason)) return new EngineError('ERR_IMAGE_TOO_LARGE', `${format} image exceeds the pixel limit (${reason})`, { cause: error });
  const code = TRUNCATION.test(reason) ? 'ERR_IMAGE_TRUNCATED' : 'ERR_IMAGE_FORMAT';
  return new EngineError(code, `${format} image could not be decoded: ${reason}`, { cause: error });
}

/** Decodes a PNG, TIFF or JPEG to gray. Rejects only with EngineError (see the file comment). */
export async function decodeWithSharp(bytes: Uint8Array, limits: DecodeLimits = {}): Promise<GrayImage> {
  checkInputBytes(bytes, limits);
  const format = sharpFormatOf(bytes);
  if (format === null) throw new EngineError('ERR_IMAGE_FORMAT', 'not a PNG, TIFF or JPEG image (no known signature)');
  // libpng accepts a PNG cut inside its final chunk and libjpeg one cut before its EOI marker;
  // a strict reader does not (the cut may be anywhere else the next time).
  if (format === 'png' && !startsWith(bytes, PNG_IEND, bytes.length - PNG_IEND.length)) {
    throw new EngineError('ERR_IMAGE_TRUNCATED', 'png image does not end with its IEND chunk (cut short)');
  }
  if (format === 'jpeg' && !startsWith(bytes, JPEG_EOI, bytes.length - JPEG_EOI.length)) {
    throw new EngineError('ERR_IMAGE_TRUNCATED', 'jpeg image does not end with its EOI marker (cut short, or trailing bytes)');
  }
  const maxPixels = limits.maxPixels ?? DEFAULT_DECODE_LIMITS.maxPixels;
  // failOn 'warning': a damaged image is an error, never a silently patched one.
  const options = { limitInputPixels: maxPixels, failOn: 'warning', sequentialRead: true } as const;
  try {
    const sharp = await loadSharp();
    const header = await sharp(bytes, options).metadata();
    checkImageSize(header.width ?? 0, header.height ?? 0, limits);
    const { data, info } = await sharp(bytes, options).removeAlpha().toColourspace('srgb').raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || data.length !== info.width * info.height * 3) {
      throw new EngineError('ERR_IMAGE_FORMAT', `${format} image decoded to an unexpected layout (${info.channels} channels)`);
    }
    const pixels = new Uint8Array(info.width * info.height);
    for (let k = 0; k < pixels.length; k++) pixels[k] = luma(data[3 * k], data[3 * k + 1], data[3 * k + 2]);
    return { width: info.width, height: info.height, pixels };
  } catch (error) {
    throw typedError(error, format);
  }
}
