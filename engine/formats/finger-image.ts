/**
 * ISO/IEC 19794-4 finger images to the gray images the fingerprint extractor takes: each view's
 * payload decoded by the compression its header declares (which must agree with the bytes'
 * signature), checked against the header's line lengths, with its resolution in dpi.
 *
 * raw 8-bit (and bit-packed at 8 bits, which is the same bytes) is copied; raw 1–7 bits (one
 * pixel per byte) is scaled to 0–255, raw 9–16 bits (two bytes per pixel, big-endian) keeps its
 * 8 most significant bits; WSQ goes to the WSQ kernel, JPEG and PNG to sharp, JPEG 2000 to
 * OpenJPEG (images/).
 */
import { EngineError } from '../errors.ts';
import { decodeImage, decodeJpeg2000, decodeWsq, detectImageFormat, type DecodeLimits, type GrayImage } from '../images/index.ts';
import { checkImageSize } from '../images/gray-image.ts';
import { fingerViewDpi, readIso19794_4, type FingerImageCompression, type FingerImageView } from './iso19794-4.ts';

export interface DecodedFingerView {
  /** The view's header fields and encoded image, as read. */
  view: FingerImageView;
  image: GrayImage;
  /** Image resolution, pixels per inch (px/cm headers converted). */
  dpiX: number;
  dpiY: number;
}

/** The signature each declared compression must carry. */
const SIGNATURE: Readonly<Record<Exclude<FingerImageCompression, 'raw' | 'raw-packed'>, string>> = {
  wsq: 'wsq', jpeg: 'jpeg', jpeg2000: 'jpeg2000', 'jpeg2000-lossless': 'jpeg2000', png: 'png',
};

function rawToGray(view: FingerImageView, limits: DecodeLimits): GrayImage {
  const { width, height, bitDepth, image, compression } = view;
  checkImageSize(width, height, limits);
  const count = width * height;
  if (compression === 'raw-packed' && bitDepth !== 8) {
    throw new EngineError('ERR_IMAGE_UNSUPPORTED', `bit-packed finger image of ${bitDepth} bits per pixel (only 8 is read)`);
  }
  const bytesPerPixel = Math.ceil(bitDepth / 8);
  if (image.length !== count * bytesPerPixel) {
    throw new EngineError('ERR_IMAGE_FORMAT', `raw finger image has ${image.length} bytes for ${width}×${height} px at ${bitDepth} bits`);
  }
  if (bitDepth === 8) return { width, height, pixels: image.slice() };
  const pixels = new Uint8Array(count);
  if (bitDepth < 8) {
    const max = (1 << bitDepth) - 1;
    for (let k = 0; k < count; k++) pixels[k] = Math.round((Math.min(image[k], max) * 255) / max);
  } else {
    const shift = bitDepth - 8;
    for (let k = 0; k < count; k++) pixels[k] = Math.min(255, ((image[2 * k] << 8) | image[2 * k + 1]) >> shift);
  }
  return { width, height, pixels };
}

/**
 * Decodes one view's image to 8-bit gray with its resolution in dpi. Rejects with EngineError:
 * the image decoders' ERR_IMAGE_* codes, ERR_IMAGE_FORMAT when the bytes are not the declared
 * compression or size, ERR_IMAGE_UNSUPPORTED for bit-packed images under 8 bits.
 */
export async function decodeFingerView(view: FingerImageView, limits: DecodeLimits = {}): Promise<DecodedFingerView> {
  const { compression, width, height, image } = view;
  let gray: GrayImage;
  if (compression === 'raw' || compression === 'raw-packed') {
    gray = rawToGray(view, limits);
  } else {
    const found = detectImageFormat(image);
    if (found !== SIGNATURE[compression]) {
      throw new EngineError('ERR_IMAGE_FORMAT', `the record declares a ${compression} image but its bytes are ${found ?? 'of no known format'}`);
    }
    if (compression === 'wsq') gray = decodeWsq(image, limits);
    else if (found === 'jpeg2000') gray = await decodeJpeg2000(image, limits);
    else gray = await decodeImage(image, limits);
    if (gray.width !== width || gray.height !== height) {
      throw new EngineError('ERR_IMAGE_FORMAT', `the ${compression} image is ${gray.width}×${gray.height} px, its record header says ${width}×${height}`);
    }
    gray = { width: gray.width, height: gray.height, pixels: gray.pixels };
  }
  const dpi = fingerViewDpi(view);
  return { view, image: gray, dpiX: dpi.x, dpiY: dpi.y };
}

/**
 * Reads an ISO/IEC 19794-4 record (2005 or 2011) and decodes every finger view. Throws
 * RecordFormatError for the record, EngineError (ERR_IMAGE_*) for an image.
 */
export async function decodeFingerImageRecord(bytes: Uint8Array, limits: DecodeLimits = {}): Promise<DecodedFingerView[]> {
  const record = readIso19794_4(bytes);
  const decoded: DecodedFingerView[] = [];
  for (const view of record.views) decoded.push(await decodeFingerView(view, limits));
  return decoded;
}
