import fc from 'fast-check';
import { retryDelayMs } from './retry-delay';

describe('retryDelayMs', () => {
  it('does not wait before the first failure', () => {
    expect(retryDelayMs(0, 250, 30_000)).toBe(0);
  });

  it('doubles the ceiling with each failure up to the maximum', () => {
    const top = () => 1;
    const delays = [1, 2, 3, 4, 10, 1_000].map((failures) => retryDelayMs(failures, 250, 30_000, top));
    expect(delays).toEqual([250, 500, 1_000, 2_000, 30_000, 30_000]);
  });

  it('always waits between half the base and the maximum', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 10, max: 1_000 }),
        fc.integer({ min: 0, max: 600_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (failures, base, extra, random) => {
          const max = base + extra;
          const delay = retryDelayMs(failures, base, max, () => random);
          expect(delay).toBeGreaterThanOrEqual(base / 2);
          expect(delay).toBeLessThanOrEqual(max);
        },
      ),
    );
  });
});
