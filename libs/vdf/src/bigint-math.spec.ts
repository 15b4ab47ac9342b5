import fc from 'fast-check';

import { bigIntToBytes, bytesToBigInt, modPow, modPowProduct } from './bigint-math';

function naivePow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n % modulus;
  for (let i = 0n; i < exponent; i++) result = (result * base) % modulus;
  return result;
}

describe('modular arithmetic', () => {
  it('raises to small powers like repeated multiplication', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 30n }),
        fc.bigInt({ min: 0n, max: 300n }),
        fc.bigInt({ min: 1n, max: 10n ** 20n }),
        (base, exponent, modulus) => {
          expect(modPow(base, exponent, modulus)).toBe(naivePow(base, exponent, modulus));
        },
      ),
    );
  });

  it('computes a^e · b^f like two separate powers', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2n ** 300n }),
        fc.bigInt({ min: 0n, max: 2n ** 130n }),
        fc.bigInt({ min: 0n, max: 2n ** 300n }),
        fc.bigInt({ min: 0n, max: 2n ** 131n }),
        fc.bigInt({ min: 1n, max: 2n ** 256n }),
        (a, e, b, f, modulus) => {
          expect(modPowProduct(a, e, b, f, modulus)).toBe((modPow(a, e, modulus) * modPow(b, f, modulus)) % modulus);
        },
      ),
    );
    expect(modPowProduct(5n, 0n, 7n, 0n, 11n)).toBe(1n);
    expect(modPowProduct(5n, 0n, 7n, 0n, 1n)).toBe(0n);
  });

  it('converts between big-endian bytes and bigints', () => {
    expect(bytesToBigInt(new Uint8Array(0))).toBe(0n);
    expect(bytesToBigInt(Buffer.from([1, 0]))).toBe(256n);
    expect(bytesToBigInt(Buffer.from([9, 9, 1, 0]).subarray(2))).toBe(256n);
    expect(bigIntToBytes(256n, 4).toString('hex')).toBe('00000100');
  });
});
