/**
 * The shape every modality's calibration shares: raw kernel similarity → −10·log10(FMR) by
 * knots at measured impostor quantiles, linear between them, and past the last knot an
 * exponential impostor tail (a straight line in this log scale) with a fitted slope.
 * `bench/calibrate.ts` (fingers) and `bench/iris-calibrate.ts` fit the constants.
 */
export interface CalibrationKnots {
  /** Raw scores of the knots, ascending, starting at 0. */
  raw: readonly number[];
  /** Calibrated scores at those knots, starting at 0. */
  calibrated: readonly number[];
  /** Calibrated-score units per raw unit past the last knot. */
  tailSlope: number;
}

/** A calibration function from its knots. */
export function piecewiseCalibration({ raw, calibrated, tailSlope }: CalibrationKnots): (score: number) => number {
  const last = raw.length - 1;
  return (score: number): number => {
    if (!(score > 0)) return 0;
    if (score >= raw[last]) return calibrated[last] + (score - raw[last]) * tailSlope;
    let i = 1;
    while (score > raw[i]) i++;
    const t = (score - raw[i - 1]) / (raw[i] - raw[i - 1]);
    return calibrated[i - 1] + t * (calibrated[i] - calibrated[i - 1]);
  };
}
