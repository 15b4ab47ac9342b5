import { FASTEST_SQUARINGS_PER_SECOND, minimumProvingMillis } from './proving-time';
import { VdfError } from './vdf.errors';
import { DEFAULT_VDF_ITERATIONS } from './wesolowski';

describe('minimumProvingMillis', () => {
  it('divides the squarings by the fastest known rate', () => {
    expect(minimumProvingMillis(FASTEST_SQUARINGS_PER_SECOND)).toBe(1000);
    expect(minimumProvingMillis(1_000_000, 1_000_000)).toBe(1000);
    expect(minimumProvingMillis(500, 1000)).toBe(500);
    expect(minimumProvingMillis(DEFAULT_VDF_ITERATIONS)).toBeGreaterThan(0);
  });

  it('grows with the delay and shrinks with faster hardware', () => {
    expect(minimumProvingMillis(2_000_000)).toBeGreaterThan(minimumProvingMillis(1_000_000));
    expect(minimumProvingMillis(1_000_000, 2e9)).toBeLessThan(minimumProvingMillis(1_000_000));
  });

  it('refuses nonsense', () => {
    expect(() => minimumProvingMillis(0)).toThrow(VdfError);
    expect(() => minimumProvingMillis(1.5)).toThrow(VdfError);
    expect(() => minimumProvingMillis(10, 0)).toThrow(RangeError);
    expect(() => minimumProvingMillis(10, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
