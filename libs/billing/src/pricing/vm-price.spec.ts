import * as fc from 'fast-check';
import { hourlyPriceOfVm, requiredBalance } from './vm-price';

const prices = { instanceTypePerHour: new Map([['s1.small', 12_000n], ['m1.large', 90_000n]]), publicUdpPortPerHour: 1_000n };

describe('hourlyPriceOfVm', () => {
  it.each([
    ['s1.small', 0, 12_000n],
    ['s1.small', 3, 15_000n],
    ['m1.large', 1, 91_000n],
    ['unknown', 2, 2_000n],
  ])('%s with %i UDP ports costs %p per hour', (instanceType, udpPorts, price) => {
    expect(hourlyPriceOfVm({ instanceType, udpPorts }, prices)).toBe(price);
  });

  it.each([-1, 1.5, NaN])('refuses %p UDP ports', (udpPorts) => {
    expect(() => hourlyPriceOfVm({ instanceType: 's1.small', udpPorts }, prices)).toThrow(RangeError);
  });
});

describe('requiredBalance', () => {
  it.each([
    [1_000_000n, 1, 1_000_000n],
    [1_000_000n, 0, 0n],
    [1_000_000n, 2.5, 2_500_000n],
    [3n, 0.5, 2n], // 1.5 rounds up
    [0n, 24, 0n],
    [1n, 0.000001, 1n],
  ])('%p per hour for %p hours needs %p', (perHour, hours, required) => {
    expect(requiredBalance(perHour, hours)).toBe(required);
  });

  it('refuses negative rates and hours', () => {
    expect(() => requiredBalance(-1n, 1)).toThrow(RangeError);
    expect(() => requiredBalance(1n, -1)).toThrow(RangeError);
    expect(() => requiredBalance(1n, Infinity)).toThrow(RangeError);
  });

  it('is never below the exact amount and less than one micro-unit above it', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.integer({ min: 0, max: 10 ** 8 }), (perHour, microHours) => {
        const required = requiredBalance(perHour, microHours / 1_000_000);
        const exactTimesMillion = perHour * BigInt(microHours);
        expect(required * 1_000_000n).toBeGreaterThanOrEqual(exactTimesMillion);
        expect((required - 1n) * 1_000_000n).toBeLessThan(exactTimesMillion);
      }),
    );
  });
});
