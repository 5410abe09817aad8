/**
 * Stage 1 — decode: image bytes to RGB. JPEG, PNG, TIFF, GIF and WebP keep their colour
 * (through sharp, which the finger decoders use for gray); PGM, BMP, WSQ and JPEG 2000 go
 * through the engine's strict decoders (`engine/images`), gray widened to RGB. The format is
 * sniffed from the signature. Every failure is an EngineError (ERR_IMAGE_*), as elsewhere.
 */
import type { default as Sharp } from 'sharp';
import { EngineError } from '../errors.ts';
import { decodeImage, detectImageFormat } from '../images/index.ts';
import { checkImageSize, checkInputBytes, type DecodeLimits } from '../images/gray-image.ts';
import { FACE_PARAMS } from './params.ts';
import { rgbFromGray, type RgbImage } from './rgb-image.ts';

const GIF87 = [0x47, 0x49, 0x46, 0x38, 0x37, 0x61];
const GIF89 = [0x47, 0x49, 0x46, 0x38, 0x39, 0x61];

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  return bytes.length >= at + prefix.length && prefix.every((b, i) => bytes[at + i] === b);
}

export function isGif(bytes: Uint8Array): boolean {
  return startsWith(bytes, GIF87) || startsWith(bytes, GIF89);
}

export function isWebp(bytes: Uint8Array): boolean {
  return startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8);
}

let sharpModule: Promise<typeof Sharp> | undefined;
function loadSharp(): Promise<typeof Sharp> {
  sharpModule ??= import('sharp').then((m) => m.default, (cause: unknown) => {
    sharpModule = undefined;
    throw new EngineError('ERR_KERNEL_MISSING', 'sharp (libvips) could not be loaded', { cause });
  });
  return sharpModule;
}

const DEFAULT_LIMITS: DecodeLimits = { maxDimension: FACE_PARAMS.decode.maxDimension, maxPixels: FACE_PARAMS.decode.maxPixels };

/** Decodes a face image to RGB; rejects only with EngineError. */
export async function decodeFaceImage(bytes: Uint8Array, limits: DecodeLimits = DEFAULT_LIMITS): Promise<RgbImage> {
  checkInputBytes(bytes, limits);
  const format = detectImageFormat(bytes);
  const colour = format === 'jpeg' || format === 'png' || format === 'tiff' || (format === null && (isGif(bytes) || isWebp(bytes)));
  if (!colour) return rgbFromGray(await decodeImage(bytes, limits));
  // The strict gray decoder checks what libvips lets through (a PNG without IEND, a JPEG cut
  // before EOI); run it first for those formats so a cut file is refused the same way here.
  if (format !== null) await decodeImage(bytes, limits);
  const options = { limitInputPixels: limits.maxPixels ?? FACE_PARAMS.decode.maxPixels, failOn: 'warning', sequentialRead: true } as const;
  try {
    const sharp = await loadSharp();
    const header = await sharp(bytes, options).metadata();
    checkImageSize(header.width ?? 0, header.pageHeight ?? header.height ?? 0, limits);
    const { data, info } = await sharp(bytes, { ...options, pages: 1 }).removeAlpha().toColourspace('srgb').raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || data.length !== info.width * info.height * 3) {
      throw new EngineError('ERR_IMAGE_FORMAT', `image decoded to an unexpected layout (${info.channels} channels)`);
    }
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  } catch (error) {
    if (error instanceof EngineError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    const code = /premature end|truncat|unexpected end|end of (file|data|stream)|not enough data/i.test(reason) ? 'ERR_IMAGE_TRUNCATED' : 'ERR_IMAGE_FORMAT';
    throw new EngineError(code, `face image could not be decoded: ${reason}`, { cause: error });
  }
}
