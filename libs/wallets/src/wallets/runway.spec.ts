import { runwayHours } from './runway';

describe('runwayHours', () => {
  it('is unbounded when nothing burns', () => {
    expect(runwayHours(5_000_000n, 0n)).toBeNull();
    expect(runwayHours(0n, 0n)).toBeNull();
  });

  it('is zero once the balance is gone', () => {
    expect(runwayHours(0n, 10n)).toBe(0);
    expect(runwayHours(-1n, 10n)).toBe(0);
  });

  it('rounds down to hundredths of an hour', () => {
    expect(runwayHours(10_000_000n, 1_000_000n)).toBe(10);
    expect(runwayHours(10_000_000n, 3_000_000n)).toBe(3.33);
    expect(runwayHours(1n, 3n)).toBe(0.33);
    expect(runwayHours(1n, 1_000n)).toBe(0);
  });

  it('stays exact for balances beyond float precision', () => {
    // 2^53 + 1 micro-units would round as a float; the ratio is exact.
    expect(runwayHours(9_007_199_254_740_993n, 9_007_199_254_740_993n)).toBe(1);
    expect(runwayHours(10n ** 18n, 10n ** 12n)).toBe(1_000_000);
  });
});
