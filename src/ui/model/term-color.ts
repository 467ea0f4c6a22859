/** Each term gets its own hue (golden-angle steps, so neighbouring terms differ clearly). */
export function termHue(term: number): number {
  return Math.round((term * 137.508 + 205) % 360);
}

/** Maps the speed slider (0..100) to a speed (0.02..1) on a log scale, and back. */
export const MIN_SPEED = 0.02;
export const MAX_SPEED = 1;

export function speedFromSlider(value: number): number {
  const speed = MIN_SPEED * (MAX_SPEED / MIN_SPEED) ** (value / 100);
  return Math.round(speed * 1000) / 1000;
}

export function sliderFromSpeed(speed: number): number {
  const clamped = Math.min(MAX_SPEED, Math.max(MIN_SPEED, speed));
  return Math.round((100 * Math.log(clamped / MIN_SPEED)) / Math.log(MAX_SPEED / MIN_SPEED));
}

export function formatSpeed(speed: number): string {
  return speed >= 1 ? '1× (real time)' : `${speed < 0.1 ? speed.toFixed(2) : speed.toFixed(2).replace(/0$/, '')}×`;
}
