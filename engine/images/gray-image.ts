/**
 * The one image type the extractors take: 8-bit gray, row-major, top row first.
 * Decoders check sizes before they allocate, so a hostile header cannot exhaust memory.
 */
import { EngineError } from '../errors.ts';

export interface GrayImage {
  readonly width: number;
  readonly height: number;
  /** width × height gray levels, row-major, top row first. */
  readonly pixels: Uint8Array;
}

export interface DecodeLimits {
  /** Largest width or height accepted, px. Default 8192. */
  maxDimension?: number;
  /** Largest width × height accepted. Default 16,777,216 (16 Mpx: 16 MB of gray). */
  maxPixels?: number;
  /**
   * Largest encoded input accepted by `decodeImage`, bytes, checked before any decoder runs.
   * Default 64 MiB: above a 16 Mpx 24-bit BMP (48 MiB), far above any compressed iris image.
   */
  maxInputBytes?: number;
}

export const DEFAULT_DECODE_LIMITS: Readonly<Required<DecodeLimits>> = Object.freeze({
  maxDimension: 8192,
  maxPixels: 16 * 1024 * 1024,
  maxInputBytes: 64 * 1024 * 1024,
});

/** Rejects input that is not bytes (ERR_IMAGE_FORMAT) or over `maxInputBytes` (ERR_IMAGE_TOO_LARGE), before decoding. */
export function checkInputBytes(bytes: unknown, limits: DecodeLimits = {}): asserts bytes is Uint8Array {
  if (!(bytes instanceof Uint8Array)) throw new EngineError('ERR_IMAGE_FORMAT', 'image must be a Uint8Array');
  const maxInputBytes = limits.maxInputBytes ?? DEFAULT_DECODE_LIMITS.maxInputBytes;
  if (bytes.length > maxInputBytes) {
    throw new EngineError('ERR_IMAGE_TOO_LARGE', `image of ${bytes.length} bytes exceeds the ${maxInputBytes}-byte input limit`);
  }
}


/** Rejects a declared size outside the limits (ERR_IMAGE_TOO_LARGE) or empty (ERR_IMAGE_FORMAT), before any allocation. */
export function checkImageSize(width: number, height: number, limits: DecodeLimits = {}): void {
  const maxDimension = limits.maxDimension ?? DEFAULT_DECODE_LIMITS.maxDimension;
  const maxPixels = limits.maxPixels ?? DEFAULT_DECODE_LIMITS.maxPixels;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new EngineError('ERR_IMAGE_FORMAT', `image size ${width}×${height} is not a positive size`);
  }
  if (width > maxDimension || height > maxDimension || width * height > maxPixels) {
    throw new EngineError('ERR_IMAGE_TOO_LARGE', `image of ${width}×${height} px exceeds the limits (${maxDimension} px a side, ${maxPixels} px in all)`);
  }
}

/** ITU-R BT.601 luma of an 8-bit RGB triple, rounded. */
export function luma(r: number, g: number, b: number): number {
  return Math.round(0.299 * r + 0.587 * g + 0.114 * b);
}
