import * as fc from 'fast-check';
import { splitCharge } from './fee-split';

describe('splitCharge', () => {
  it.each([
    [1_000_000n, 1500, 850_000n, 150_000n],
    [1n, 1500, 1n, 0n], // the operator keeps what the fee cannot round to
    [7n, 5000, 4n, 3n],
    [999n, 1, 999n, 0n],
    [10_000n, 1, 9_999n, 1n],
    [123n, 0, 123n, 0n],
    [123n, 10_000, 0n, 123n],
    [0n, 2000, 0n, 0n],
  ])('%p at %i bps: operator %p, platform %p', (charge, bps, operatorShare, platformFee) => {
    expect(splitCharge(charge, bps)).toEqual({ operatorShare, platformFee });
  });

  it.each([-1, 10_001, 1.5, NaN])('refuses a fee of %p bps', (bps) => {
    expect(() => splitCharge(100n, bps)).toThrow(RangeError);
  });

  it('refuses a negative charge', () => {
    expect(() => splitCharge(-1n, 100)).toThrow(RangeError);
  });

  it('always adds up to the charge, with the fee rounded down and never above the charge', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 18n }), fc.integer({ min: 0, max: 10_000 }), (charge, bps) => {
        const { operatorShare, platformFee } = splitCharge(charge, bps);
        expect(operatorShare + platformFee).toBe(charge);
        expect(platformFee).toBeGreaterThanOrEqual(0n);
        expect(platformFee).toBeLessThanOrEqual(charge);
        expect(operatorShare).toBeGreaterThanOrEqual(0n);
        // floor: fee × 10000 <= charge × bps < (fee + 1) × 10000
        expect(platformFee * 10_000n).toBeLessThanOrEqual(charge * BigInt(bps));
        expect((platformFee + 1n) * 10_000n).toBeGreaterThan(charge * BigInt(bps));
      }),
    );
  });
});
