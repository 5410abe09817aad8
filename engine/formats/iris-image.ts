/**
 * An ISO 19794-6 representation's image to the gray image the iris matcher takes: decoded by
 * the format its header declares (which must agree with the bytes' signature), checked against
 * the header's width and height, and turned back to base orientation when the header says the
 * capture was flipped (a mirrored eye gives a mirrored iris code that would not match).
 */
import { EngineError } from '../errors.ts';
import { decodeImage, detectImageFormat, type DecodeLimits, type GrayImage } from '../images/index.ts';
import { checkImageSize } from '../images/gray-image.ts';
import type { IrisImageFormat, IrisRepresentation } from './iso19794-6.ts';

/** Which sniffed formats each declared format accepts. */
const ACCEPTED: Readonly<Record<Exclude<IrisImageFormat, 'raw'>, string>> = { jpeg2000: 'jpeg2000', png: 'png', jpeg: 'jpeg' };

/**
 * Decodes a representation's image to 8-bit gray, ready for IrisMatcher.createTemplate.
 * Rejects with EngineError: the image decoders' ERR_IMAGE_* codes, ERR_IMAGE_FORMAT when the
 * bytes are not the declared format or size, ERR_IMAGE_UNSUPPORTED for raw images over 8 bits.
 */
export async function decodeIrisImage(representation: IrisRepresentation, limits: DecodeLimits = {}): Promise<GrayImage> {
  const { imageFormat, width, height, bitDepth, image } = representation;
  let gray: GrayImage;
  if (imageFormat === 'raw') {
    if (bitDepth !== 8) throw new EngineError('ERR_IMAGE_UNSUPPORTED', `raw iris image of ${bitDepth} bits per pixel (only 8 is read)`);
    checkImageSize(width, height, limits);
    if (image.length !== width * height) throw new EngineError('ERR_IMAGE_FORMAT', `raw iris image has ${image.length} bytes for ${width}×${height} px`);
    gray = { width, height, pixels: image.slice() };
  } else {
    const found = detectImageFormat(image);
    if (found !== ACCEPTED[imageFormat]) {
      throw new EngineError('ERR_IMAGE_FORMAT', `the record declares a ${imageFormat} image but its bytes are ${found ?? 'of no known format'}`);
    }
    gray = await decodeImage(image, limits);
    if (gray.width !== width || gray.height !== height) {
      throw new EngineError('ERR_IMAGE_FORMAT', `the ${imageFormat} image is ${gray.width}×${gray.height} px, its record header says ${width}×${height}`);
    }
  }
  return toBaseOrientation(gray, representation.horizontalOrientation === 'flipped', representation.verticalOrientation === 'flipped');
}

function toBaseOrientation(image: GrayImage, mirrorX: boolean, mirrorY: boolean): GrayImage {
  if (!mirrorX && !mirrorY) return image;
  const { width, height, pixels } = image;
  const out = new Uint8Array(pixels.length);
  for (let y = 0; y < height; y++) {
    const source = (mirrorY ? height - 1 - y : y) * width;
    for (let x = 0; x < width; x++) out[y * width + x] = pixels[source + (mirrorX ? width - 1 - x : x)];
  }
  return { width, height, pixels: out };
}
