/**
 * The in-memory minutiae model shared by the record formats, the matcher and the datasets.
 * Coordinates are pixels in the record's own frame (origin top-left, y down).
 */
export type MinutiaType = 'ending' | 'bifurcation' | 'other';

export interface Minutia {
  x: number;
  y: number;
  /**
   * Ridge direction in radians, [0, 2π), measured counter-clockwise from the x axis as in
   * ISO/IEC 19794-2 (so with y pointing down, "counter-clockwise" is as seen on screen).
   */
  angle: number;
  type: MinutiaType;
  /** 0–100, 0 when the extractor gives none. */
  quality: number;
}

export interface FingerView {
  /** ISO finger position code 0–10 (0 unknown, 1 right thumb … 10 left little). */
  fingerPosition: number;
  viewNumber: number;
  /** ISO impression type (0 live-scan plain, 1 live-scan rolled, …). */
  impressionType: number;
  /** Finger quality 0–100. */
  quality: number;
  minutiae: Minutia[];
}

export interface MinutiaeRecord {
  format: 'iso19794-2:2005' | 'ansi378-2004';
  width: number;
  height: number;
  /** Pixels per centimetre (197 ≈ 500 dpi). */
  resolutionX: number;
  resolutionY: number;
  captureEquipmentId: number;
  views: FingerView[];
}

/** Pixels per centimetre for a dots-per-inch figure. */
export function dpiToPxPerCm(dpi: number): number {
  return Math.round(dpi / 2.54);
}
