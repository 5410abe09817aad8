// Public surface of the fingerprint extractor kernel: the host reserves the input for a size
// (prepare), writes the gray image there, runs extract(), then reads the minutiae (and, on
// request, every intermediate: the transparency planes below). Images are 500 dpi, 8-bit gray,
// ridges dark. Pipeline: source → block tensors → mask → orientation → frequency → Gabor
// enhancement → binarise → thin → detect → false-minutia removal → quality.
import { MIN_SIDE, MAX_SIDE, MAX_PIXELS, BLOCK, GABOR_ORIENTATIONS, MAX_CANDIDATES } from './params';
import * as S from './scratch';
import { loadSource } from './image';
import { blockTensors } from './tensor';
import { segment } from './mask';
import { orientationField } from './orientation';
import { frequencyField } from './frequency';
import { initGaborBank, enhance } from './gabor';
import { initThinning, binarise, thin } from './thinning';
import { detect, candidateCount, candidatesOverflow } from './minutiae';
import { removeFalseMinutiae, STAGE_COUNT } from './filters';
import { imageQuality, meanCoherence, fingerArea } from './quality';

if (BLOCK != 8) ERROR('gabor.ts filters a block as two f32x4 vectors per row: BLOCK must be 8');

initThinning();
initGaborBank();

/** extract() outcomes (the host maps them to typed errors). */
export const EXTRACT_OK: i32 = 0;
export const EXTRACT_BAD_SIZE: i32 = 1;
export const EXTRACT_NO_FINGER: i32 = 2;
export const EXTRACT_NOISE: i32 = 3;

export function kernelReady(): i32 { return 1; }
export function minSide(): i32 { return MIN_SIDE; }
export function maxSide(): i32 { return MAX_SIDE; }
export function maxPixels(): i32 { return MAX_PIXELS; }
export function maxCandidates(): i32 { return MAX_CANDIDATES; }
export function candidateFloats(): i32 { return S.CANDIDATE_FLOATS; }
export function removalStages(): i32 { return STAGE_COUNT; }
export function blockSize(): i32 { return BLOCK; }
export function gaborOrientations(): i32 { return GABOR_ORIENTATIONS; }

let preparedW: i32 = 0;
let preparedH: i32 = 0;

/** Reserves the planes for a width × height image; returns where to write its pixels (0: size refused). */
export function prepare(width: i32, height: i32): usize {
  preparedW = 0; preparedH = 0;
  if (width < MIN_SIDE || height < MIN_SIDE || width > MAX_SIDE || height > MAX_SIDE || width * height > MAX_PIXELS) return 0;
  S.setSize(width, height);
  preparedW = width; preparedH = height;
  return S.inputPtr;
}

let keptOut: i32 = 0;
let qualityOut: f32 = 0;
let medianPeriodOut: f32 = 0;
let fingerBlocksOut: i32 = 0;

/** Runs the pipeline on the prepared image; returns an EXTRACT_* outcome. */
export function extract(): i32 {
  keptOut = 0; qualityOut = 0; medianPeriodOut = 0; fingerBlocksOut = 0;
  if (preparedW == 0) return EXTRACT_BAD_SIZE;
  loadSource();
  blockTensors();
  fingerBlocksOut = segment();
  if (fingerBlocksOut == 0) return EXTRACT_NO_FINGER;
  orientationField();
  medianPeriodOut = frequencyField();
  enhance();
  binarise();
  thin();
  detect();
  if (candidatesOverflow) return EXTRACT_NOISE;
  keptOut = removeFalseMinutiae();
  qualityOut = imageQuality(keptOut);
  return EXTRACT_OK;
}

/** Results of the last extract(). */
export function candidates(): i32 { return candidateCount; }
export function kept(): i32 { return keptOut; }
export function quality(): f32 { return qualityOut; }
export function medianPeriod(): f32 { return medianPeriodOut; }
export function fingerBlocks(): i32 { return fingerBlocksOut; }
export function fingerAreaPx(): f32 { return fingerArea; }
export function meanFingerCoherence(): f32 { return meanCoherence; }

/** Transparency: where the intermediates of the last extract() are (see scratch.ts for each plane). */
export function candidatesAddress(): usize { return S.candidatesPtr; }
export function blocksWide(): i32 { return S.BW; }
export function blocksHigh(): i32 { return S.BH; }
export function planeStride(): i32 { return S.SW; }
export function maskAddress(): usize { return S.maskPtr; }
export function orientationAddress(): usize { return S.orientPtr; }
export function coherenceAddress(): usize { return S.coherencePtr; }
export function periodAddress(): usize { return S.periodPtr; }
export function enhancedAddress(): usize { return S.enhPtr; }
export function binaryAddress(): usize { return S.binPtr; }
export function skeletonAddress(): usize { return S.skelPtr; }

/**
 * The speed bench's baseline, in this same build: one 3×3 box-filter pass over the prepared
 * image (u8 in, f32 out into the enhanced plane). Returns a checksum so it is not optimised away.
 */
export function boxFilterBaseline(): f32 {
  const w = preparedW, h = preparedH;
  if (w == 0) return 0;
  let sum: f32 = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      let s: i32 = 0;
      for (let dy = -1; dy <= 1; dy++) {
        const row = S.inputPtr + <usize>((y + dy) * w + x);
        s += <i32>load<u8>(row - 1) + <i32>load<u8>(row) + <i32>load<u8>(row + 1);
      }
      const v = <f32>s / 9;
      store<f32>(S.enhPtr + (<usize>(y * S.SW + x) << 2), v);
      sum += v;
    }
  }
  return sum;
}
