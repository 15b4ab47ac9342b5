import { bigIntToBytes, bytesToBigInt } from './bigint-math';
import { decodeHex, taggedSha256, uint32 } from './domain-hash';
import { ELEMENT_BYTES, RSA_2048_MODULUS } from './rsa-2048';
import { VdfError } from './vdf.errors';

// We work in Z_N* / {±1}. In Z_N* itself everyone knows one element of order
// two (-1), and a forger could answer -y with proof -π; in the quotient x and
// N - x are the same element, represented by the smaller of the two.

const N = RSA_2048_MODULUS;
const HALF_N = (N - 1n) / 2n;

/** 2048 bits of the modulus plus 256 more, so reducing mod N leaves a negligible bias. */
const EXPANSION_BLOCKS = 9;

export function canonical(value: bigint): bigint {
  const reduced = value % N;
  return reduced > HALF_N ? N - reduced : reduced;
}

/**
 * Maps arbitrary bytes to a group element nobody knows a discrete-log relation
 * for. 0 and ±1 are skipped (they would make every output trivial), at the cost
 * of a retry with a fresh attempt counter that practically never happens.
 */
export function hashToGroup(input: Uint8Array): bigint {
  for (let attempt = 0; ; attempt++) {
    const blocks: Buffer[] = [];
    for (let block = 0; block < EXPANSION_BLOCKS; block++) {
      blocks.push(taggedSha256('statemesh/vdf/v1/hash-to-group', uint32(attempt), uint32(block), input));
    }
    const element = canonical(bytesToBigInt(Buffer.concat(blocks)));
    if (element > 1n) return element;
  }
}

/** The fixed-width wire form: 512 lowercase hex digits of the canonical representative. */
export function elementToHex(element: bigint): string {
  return bigIntToBytes(canonical(element), ELEMENT_BYTES).toString('hex');
}

export function elementToBytes(element: bigint): Buffer {
  return bigIntToBytes(canonical(element), ELEMENT_BYTES);
}

/**
 * Only canonical representatives are accepted, so each group element has one
 * spelling. Zero is not in the group. Throws VdfError.
 */
export function parseElement(value: unknown, what = 'group element'): bigint {
  const element = bytesToBigInt(decodeHex(value, ELEMENT_BYTES, what));
  if (element === 0n || element > HALF_N) {
    throw new VdfError('vdf.out-of-range', `${what} must be a canonical element: between 1 and (N-1)/2`);
  }
  return element;
}
