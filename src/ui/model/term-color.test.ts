import { describe, expect, it } from 'vitest';
import { formatSpeed, sliderFromSpeed, speedFromSlider, termHue } from './term-color.ts';

describe('term colours and the speed scale', () => {
  it('neighbouring terms get clearly different hues', () => {
    for (let term = 1; term < 50; term++) {
      const d = Math.abs(termHue(term) - termHue(term + 1));
      expect(Math.min(d, 360 - d)).toBeGreaterThan(30);
    }
  });

  it('the speed slider is logarithmic from 0.02 to 1 and round-trips', () => {
    expect(speedFromSlider(0)).toBe(0.02);
    expect(speedFromSlider(100)).toBe(1);
    for (const speed of [0.02, 0.05, 0.1, 0.25, 0.5, 1]) {
      expect(Math.abs(speedFromSlider(sliderFromSpeed(speed)) - speed) / speed).toBeLessThan(0.05);
    }
    expect(formatSpeed(1)).toBe('1× (real time)');
    expect(formatSpeed(0.25)).toBe('0.25×');
    expect(formatSpeed(0.5)).toBe('0.5×');
  });
});
