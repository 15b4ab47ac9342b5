import { createHash } from 'node:crypto';

import { bytesToBigInt } from './bigint-math';
import { taggedSha256, uint32 } from './domain-hash';
import { isProbablePrime } from './primality';

/**
 * Size of the Fiat–Shamir challenge prime. There are about 2^121 primes of
 * 128 bits, so a forger who grinds outputs until the challenge suits him needs
 * on the order of 2^120 attempts, while verification stays two short
 * exponentiations.
 */
export const CHALLENGE_PRIME_BITS = 128;

const TOP_BIT = 1n << BigInt(CHALLENGE_PRIME_BITS - 1);

const CANDIDATE_BYTES = CHALLENGE_PRIME_BITS / 8;

/**
 * Deterministically maps a seed to a prime of exactly 128 bits. The seed is
 * hashed once (tagged SHA-256); SHA-256(that digest ‖ counter) for counter =
 * 0, 1, … then yields two candidates each, its first and second 16 bytes,
 * with the top and bottom bits forced; the first prime wins (about 44
 * candidates on average). Fresh candidates, rather than a search upward from
 * one hash, keep the output close to uniform over the primes; hashing the
 * seed only once matters because verification repeats this search.
 */
export function hashToPrime(seed: Uint8Array): bigint {
  const seedDigest = taggedSha256('statemesh/vdf/v1/hash-to-prime', seed);
  for (let counter = 0; ; counter++) {
    const block = createHash('sha256').update(seedDigest).update(uint32(counter)).digest();
    for (let offset = 0; offset < block.length; offset += CANDIDATE_BYTES) {
      const candidate = bytesToBigInt(block.subarray(offset, offset + CANDIDATE_BYTES)) | TOP_BIT | 1n;
      if (isProbablePrime(candidate)) return candidate;
    }
  }
}
