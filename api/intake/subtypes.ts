/**
 * MOSIP CBEFF subtype names → ISO/IEC 19794 finger positions and iris sides. MOSIP writes
 * `<Subtype>Left IndexFinger</Subtype>`, `Right Thumb`, `Left`/`Right` for irises; the ISO
 * 19785-3 vocabulary is the same words. Matching ignores case and spaces so "Left Index Finger"
 * and "LEFT INDEXFINGER" read alike.
 */
import type { FingerPosition, IrisSide } from '../../engine/index.ts';

const FINGERS: Readonly<Record<string, FingerPosition>> = {
  rightthumb: 1, rightindexfinger: 2, rightmiddlefinger: 3, rightringfinger: 4, rightlittlefinger: 5,
  leftthumb: 6, leftindexfinger: 7, leftmiddlefinger: 8, leftringfinger: 9, leftlittlefinger: 10,
};

const key = (subtype: readonly string[]): string => subtype.join('').toLowerCase();

/** The ISO position of a MOSIP finger subtype; undefined when absent or not a single finger. */
export function fingerPositionOf(subtype: readonly string[]): FingerPosition | undefined {
  const k = key(subtype);
  return FINGERS[k] ?? FINGERS[`${k}finger`];
}

/** The iris side of a MOSIP iris subtype; undefined when absent or unknown. */
export function irisSideOf(subtype: readonly string[]): IrisSide | undefined {
  const k = key(subtype);
  return k === 'left' || k === 'lefteye' ? 'left' : k === 'right' || k === 'righteye' ? 'right' : undefined;
}

/** MOSIP's biometricType codes for candidate analytics: fingerprint/iris/face image records. */
export const MOSIP_BIOMETRIC_TYPE = { finger: 'FIR', iris: 'IIR', face: 'FID' } as const;
