/** Sensor-like frames for generated eyes: image size, pupil and iris circles (non-concentric, as real eyes). */
export const IRIS_FRAMES = {
  'MMU1-like 320×240': { width: 320, height: 240, pupil: { x: 158, y: 118, radius: 21 }, iris: { x: 160, y: 119, radius: 52 } },
  'CASIA-like 320×280': { width: 320, height: 280, pupil: { x: 165, y: 142, radius: 42 }, iris: { x: 162, y: 140, radius: 102 } },
  'K3-like 640×480': { width: 640, height: 480, pupil: { x: 322, y: 238, radius: 45 }, iris: { x: 318, y: 242, radius: 120 } },
} as const;

export type IrisFrameName = keyof typeof IRIS_FRAMES;
