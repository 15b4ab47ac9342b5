import { checkPrimeSync } from 'node:crypto';

import fc from 'fast-check';

import { CHALLENGE_PRIME_BITS, hashToPrime } from './hash-to-prime';
import { isProbablePrime, isStrongLucasProbablePrime, isStrongProbablePrime } from './primality';

function sieve(limit: number): Uint8Array {
  const prime = new Uint8Array(limit).fill(1);
  prime[0] = prime[1] = 0;
  for (let i = 2; i * i < limit; i++) if (prime[i]) for (let j = i * i; j < limit; j += i) prime[j] = 0;
  return prime;
}

describe('isProbablePrime', () => {
  it('agrees with a sieve below 100 000', () => {
    const prime = sieve(100_000);
    const wrong: number[] = [];
    for (let n = 0; n < prime.length; n++) if (isProbablePrime(BigInt(n)) !== (prime[n] === 1)) wrong.push(n);
    expect(wrong).toEqual([]);
  });

  it('implements Miller–Rabin to base 2 exactly (its known pseudoprimes, OEIS A001262)', () => {
    const prime = sieve(30_000);
    const passing: number[] = [];
    for (let n = 3; n < prime.length; n += 2) {
      const strong = isStrongProbablePrime(BigInt(n), 2n);
      if (prime[n]) expect(strong).toBe(true);
      else if (strong) passing.push(n);
    }
    expect(passing).toEqual([2047, 3277, 4033, 4681, 8321, 15841, 29341]);
    expect(isStrongProbablePrime(3215031751n, 7n)).toBe(true);
    expect(isStrongProbablePrime(3215031751n, 11n)).toBe(false);
  });

  it('implements the strong Lucas test exactly (its known pseudoprimes, OEIS A217255)', () => {
    const prime = sieve(30_000);
    const passing: number[] = [];
    for (let n = 3; n < prime.length; n += 2) {
      if (Number.isInteger(Math.sqrt(n))) continue;
      const lucas = isStrongLucasProbablePrime(BigInt(n));
      if (prime[n]) expect(lucas).toBe(true);
      else if (lucas) passing.push(n);
    }
    expect(passing).toEqual([5459, 5777, 10877, 16109, 18971, 22499, 24569, 25199]);
  });

  it('knows large primes and rejects famous pseudoprimes', () => {
    expect(isProbablePrime(2n ** 127n - 1n)).toBe(true);
    expect(isProbablePrime(2n ** 128n - 159n)).toBe(true);
    expect(isProbablePrime(2n ** 89n - 1n)).toBe(true);
    // Strong pseudoprime to every prime base up to 37.
    expect(isProbablePrime(3317044064679887385961981n)).toBe(false);
    // Strong pseudoprime to every prime base up to 23.
    expect(isProbablePrime(3825123056546413051n)).toBe(false);
    // Carmichael numbers, and a product of two 64-bit primes.
    for (const n of [561n, 41041n, 825265n, 321197185n, (2n ** 61n - 1n) * (2n ** 64n - 59n)]) {
      expect(isProbablePrime(n)).toBe(false);
    }
    expect(isProbablePrime((2n ** 64n - 59n) ** 2n)).toBe(false);
  });

  it('agrees with OpenSSL on random 128-bit odd numbers', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n << 127n, max: (1n << 128n) - 1n }), (n) => {
        const odd = n | 1n;
        expect(isProbablePrime(odd)).toBe(checkPrimeSync(odd, { checks: 32 }));
      }),
      { numRuns: 300 },
    );
  });
});

describe('hashToPrime', () => {
  it('returns a 128-bit prime, the same one every time', () => {
    const prime = hashToPrime(Buffer.from('epoch 7'));
    expect(prime.toString(2)).toHaveLength(CHALLENGE_PRIME_BITS);
    expect(checkPrimeSync(prime, { checks: 64 })).toBe(true);
    expect(hashToPrime(Buffer.from('epoch 7'))).toBe(prime);
    expect(hashToPrime(Buffer.from('epoch 8'))).not.toBe(prime);
  });

  it('returns primes for arbitrary seeds', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (seed) => {
        const prime = hashToPrime(seed);
        expect(prime.toString(2)).toHaveLength(CHALLENGE_PRIME_BITS);
        expect(checkPrimeSync(prime, { checks: 32 })).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
