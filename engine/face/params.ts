/**
 * Every tuning constant of the face pipeline, with its unit and why. Geometric constants come
 * from the models' own training conventions (the dlib chip and the detector's input), quality
 * limits from ISO/IEC 19794-5 / ICAO capture guidance and from what the models can still use.
 * Chosen by measurement on ORL and Yale (the only face sets here): the mirrored pass, the
 * second landmark pass, the detector size and the chip gamma (the gamma on identity half A,
 * checked on half B) — see docs/face-speed.md. Change one here, never inline.
 */
import type { AlignPoints } from './align.ts';
import type { ClaheParams } from './clahe.ts';

export const FACE_PARAMS = Object.freeze({
  /** Models this build loads (see engine/face/README.md for licences and training data). */
  models: Object.freeze({
    /** face-api's Tiny Face Detector (MIT; trained by its author): SSD-MobileNetV1 was trained on WIDER FACE (non-commercial), so it is not used. */
    detector: 'tinyFaceDetector',
    /** face-api's 68-point landmark net (MIT). */
    landmarks: 'faceLandmark68Net',
    /** face-api's tiny 68-point landmark net (MIT, same package), for the first, framing pass only. */
    coarseLandmarks: 'faceLandmark68TinyNet',
    /** dlib's ResNet face descriptor, 128-d, released into the public domain by Davis King. */
    embedding: 'faceRecognitionNet',
  }),

  decode: Object.freeze({
    /** Largest input side, px: a passport-style portrait is ≤ 2,000 px; a larger image is shrunk before detection anyway. */
    maxDimension: 8192,
    /** Largest input, px in all (16 Mpx, as the other decoders). */
    maxPixels: 16 * 1024 * 1024,
  }),

  detect: Object.freeze({
    /**
     * Padding added on every side before detection, as a share of the larger image side. Tight,
     * already-aligned crops (ISO 19794-5 token images, ORL's 92×112, 112×112 dataset crops)
     * put the face edge at the image edge, where a detector trained on scenes rarely fires; a
     * border of mid-gray gives it the context it was trained with. With `inputSize` this sets
     * the face's size in detector pixels: inputSize / (1 + 2·padShare) per image side, 85 px
     * here (107 px at session 6's 160 px input).
     */
    padShare: 0.25,
    /**
     * The Tiny detector (a YOLO-style grid with fixed anchors) misses some faces at one scale
     * that it finds at the next, so when the first canvas finds nothing these paddings are
     * tried in turn (each a different face-to-cell scale); the first that finds a face wins.
     */
    fallbackPadShares: Object.freeze([0.5, 0.75, 0.1]),
    /** Padding colour, 0–255: mid-gray, neutral for the detector's normalisation. */
    padValue: 128,
    /**
     * Detector input side, px (multiple of 32). 128 rather than the documented 416: the
     * detector's cost grows with its input (≈ 5 ms here at 128, 6 at 160, 15 at 224 on one
     * core), and with 0.25 padding an image that is all face still spans 85 px of it; a
     * face under ≈ 1/6 of the image side (a group photo) is left to the `smallFaceInputSize`
     * attempt. The box only frames the tiny landmark net's first pass, which re-frames the
     * next, so a coarser box costs little: 160 → 128 px chosen on identity half A with the
     * tiny refining pass below (docs/face-speed.md §10: half-A mean EER 0.51 against 0.505 %,
     * ≈ −1.5 ms a face).
     */
    inputSize: 128,
    /**
     * Last attempt when every padding above found nothing: the unpadded image at this larger
     * input (px, multiple of 32), for a face that is small in a large photo (a scene, a group):
     * at 224 px a face of 1/8 of the image side would be ≈ 14 px, below what the detector sees.
     */
    smallFaceInputSize: 608,
    /** Detector score threshold, 0–1. Low, because the largest box is kept and quality rules then decide. */
    scoreThreshold: 0.3,
    /**
     * Several faces: the largest box wins (the subject stands nearest the camera); a second
     * face whose box area is at least this share of the largest is reported in quality as
     * `otherFaces` so a door may refuse the capture, but enrolment goes on with the largest.
     */
    competingFaceShare: 0.5,
  }),

  landmarks: Object.freeze({
    /** The detector box is grown by this share on each side before the landmark net sees it: the net was trained on loose crops. */
    boxGrowShare: 0.15,
    /**
     * Second passes: the crop is re-centred on the box of the points found, and the net run
     * again. The detector's box is loose and off-centre on some faces; a crop framed by the
     * face's own landmarks is the framing the net sees most consistently.
     */
    refinePasses: 1,
    /**
     * The first pass (the one that only frames the crop of the next) through the tiny landmark
     * net: ≈ 55 % of a full pass's time (−3 to −4 ms a face). On: with the int8 ResNet it leaves
     * every EER level or lower (all pairs ORL 0.39 %, Yale 0.62 %; half B 0.04 / 0.02 %) and buys
     * ≈ 2–4 ms towards the 60 ms bar (docs/face-speed.md §9). With the fp32 ResNet it had raised
     * FNMR at FMR 0.1 % (Yale 9.9 → 13.1 %, §6): fp32 users may turn it off. Only used when
     * `refinePasses` ≥ 1.
     */
    coarseFirstPass: true,
    /**
     * The refining passes through the tiny net too (≈ 3 ms a face less than the full net). On
     * since session 7, with the detector at 128 px: chosen on identity half A (mean EER of ORL
     * A and Yale A 0.51 against 0.505 % for the session-6 front end; rule: ≤ +0.10 points),
     * checked on half B (ORL 0.04, Yale 0.02 %, level) — docs/face-speed.md §10. The full
     * 68-point net is then not run at all (it stays loaded for an operator who turns this off).
     * With the fp32 ResNet this front end is worse on Yale (1.27 % all pairs): fp32 users should
     * turn it off and set the detector back to 160 px.
     */
    tinyRefinePasses: true,
    /** CLAHE of each landmark crop before the net sees it (clahe.ts); null: off. */
    cropContrast: null as ClaheParams | null,
  }),

  align: Object.freeze({
    /** The embedding model's input side, px (dlib's 150×150 chip). */
    chipSize: 150,
    /** dlib's chip padding: the mean-shape box is grown by this share of its side on each side. */
    chipPadding: 0.25,
    /** Landmarks the chip's similarity transform is fitted on (align.ts): dlib's 51 inner points, or its 5-point set (eye corners, nose base). */
    alignPoints: 'dlib51' as AlignPoints,
    /**
     * Lighting: the chip's levels are mapped linearly so its central face region has this mean
     * and standard deviation (gray levels), the same for every capture. Under-exposed, over-exposed
     * and flat-lit faces then reach the network alike; 0 turns the step off.
     */
    normaliseMean: 120,
    normaliseStd: 50,
    /**
     * 'face': one mean and s.d. for the whole face region; 'halves': the left and right halves
     * each normalised, the corrections blended across the middle (see lighting.ts), so a face
     * lit from one side is evened out too.
     */
    lightingRegions: 'face' as 'face' | 'halves',
    /** CLAHE of the chip's luminance before the linear step (clahe.ts); null: off. */
    localContrast: null as ClaheParams | null,
    /**
     * Gamma of the chip's levels, (v/255)^gamma, before the linear step (lighting.ts): < 1 lifts
     * shadows and compresses highlights, so the dark side of a side-lit face keeps texture the
     * linear step alone cannot bring back. 0.6: chosen on identity half A of ORL and Yale
     * (0.4, 0.5, 0.6 tied on mean EER there; FNMR at FMR 0.1 % broke the tie), checked on
     * half B (docs/face-speed.md §6). CLAHE and 5-point alignment were measured in the same way
     * and not adopted. The calibration is fitted for it.
     */
    gamma: 0.6,
  }),

  embed: Object.freeze({
    /** Descriptor length (dlib ResNet). */
    dimension: 128,
    /**
     * Average the descriptors of the chip and of its mirror image (then normalise). A face and
     * its mirror are the same person, so the mean cancels part of what the network reads from
     * one-sided light and pose. It is a second ResNet pass (≈ 30 ms on one core), kept because
     * accuracy comes first and the pass runs once per enrolment: with it (and gamma 0.6) ORL EER
     * 0.44 % and Yale 0.90 %, without it 0.61 % and 1.35 % (docs/face-speed.md §6). Running it only
     * on asymmetric faces (side light, yaw) was measured and kept none of the gain (§7). On the
     * int8 runtime the two passes run as one batch of two (models.ts `embedWithMirror`, §10):
     * ≈ 35 of the ≈ 55 ms a face. The calibration (engine/face-calibration.ts) is fitted for this
     * setting; changing it needs a refit.
     */
    flipAverage: true,
    /**
     * The ResNet's runtime: 'int8' — onnxruntime-web's QLinearConv kernels (per-channel int8
     * weights, uint8 activations with MSE-optimal static clipping calibrated on identity half A),
     * ≈ 1.6× the fp32 pass on real chips (default); 'fp32' — TensorFlow.js's XNNPACK, the
     * reference. With the tiny first landmark pass this is the fastest profile measured that
     * meets the 1 % EER bars (docs/face-speed.md §9): all pairs ORL 0.39 %, Yale 0.62 % against
     * fp32's 0.44 / 0.90 % (session 6). With session 7's front end (detector 128 px, tiny
     * landmark net for both passes) and the chip + mirror batch: 51–58 ms median in three of
     * four runs here (docs/face-speed.md §10). int8 and fp32 templates share model 1 and one calibration.
     */
    runtime: 'int8' as 'fp32' | 'int8',
  }),

  quantise: Object.freeze({
    /**
     * int8 value = round(component × scale), clamped to ±127. A unit 128-d vector has
     * components of ≈ 0.09 typical and rarely above 0.4, so 256 keeps 8 bits of resolution
     * where the values are and clips almost nothing; the dot product of two codes / scale² is
     * the cosine to within ≈ 0.002.
     */
    scale: 256,
  }),

  quality: Object.freeze({
    /**
     * Failure to enrol below this distance between eye centres, px in the input image. ISO/IEC
     * 19794-5 asks for ≥ 90 px in a full-frontal image and ≥ 60 px in a token image; the dlib
     * chip puts the eyes 50 px apart, so below ≈ 20 px the chip is up-sampled 2.5× and the
     * descriptor is mostly interpolation.
     */
    minEyeDistancePx: 20,
    /** Failure to enrol beyond this yaw estimate, degrees: past ≈ 45° one eye is hidden and the 2-D alignment no longer holds. */
    maxYawDegrees: 45,
    /** Failure to enrol beyond this pitch estimate, degrees. */
    maxPitchDegrees: 40,
    /**
     * Blur: mean absolute Laplacian of the aligned chip's face region (gray levels). Measured:
     * sharp ORL and Yale captures 4–13; ORL s1/1 blurred with a Gaussian of σ 1 / 2 px gives
     * 1.9 / 0.75, Yale subject03.normal at σ 5 px 1.1 (its face is 2× larger, so the same σ
     * blurs its chip less). Below this value the capture is refused.
     */
    minSharpness: 0.8,
    /** Exposure: mean gray level of the chip's central face region, 0–255, must lie within these. Harsh side light still passes; a black or blown-out frame does not. */
    minMeanLevel: 25,
    maxMeanLevel: 235,
    /** Exposure: share of the central region clipped to 0–5 or 250–255 above which the capture is refused. */
    maxClippedShare: 0.6,
  }),
});

export type FaceParams = typeof FACE_PARAMS;
