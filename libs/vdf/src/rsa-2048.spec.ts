import { ELEMENT_BYTES, RSA_2048_MODULUS } from './rsa-2048';

describe('RSA_2048_MODULUS', () => {
  it('is the 617-digit, 2048-bit RSA-2048 challenge number', () => {
    const decimal = RSA_2048_MODULUS.toString();
    expect(decimal).toHaveLength(617);
    expect(decimal.startsWith('2519590847565789349402718324004839857142928212620403202777713783604366')).toBe(true);
    expect(decimal.endsWith('5643912120103971228221207203' + '57')).toBe(true);
    expect(RSA_2048_MODULUS.toString(2)).toHaveLength(2048);
    expect(RSA_2048_MODULUS.toString(16)).toHaveLength(ELEMENT_BYTES * 2);
  });

  it('is odd and has no small factor', () => {
    expect(RSA_2048_MODULUS % 2n).toBe(1n);
    for (let p = 3n; p < 10_000n; p += 2n) expect(RSA_2048_MODULUS % p).not.toBe(0n);
  });
});
