import fc from 'fast-check';

import { canonical, elementToHex, hashToGroup } from './group-element';
import { RSA_2048_MODULUS } from './rsa-2048';
import { VdfError } from './vdf.errors';
import { challengePrime, evaluate, prove, verify, VdfProgress, VdfProof } from './wesolowski';
import { modPow } from './bigint-math';

const N = RSA_2048_MODULUS;

/** Rejected either as a wrong proof or as an unreadable one. */
function accepts(input: Uint8Array, iterations: number, claim: VdfProof): boolean {
  try {
    return verify(input, iterations, claim);
  } catch (error) {
    if (error instanceof VdfError) return false;
    throw error;
  }
}

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof VdfError) return error.code;
    throw error;
  }
  return undefined;
}

function flipHexBit(hex: string, bit: number): string {
  return (BigInt('0x' + hex) ^ (1n << BigInt(bit))).toString(16).padStart(hex.length, '0');
}

const input = Buffer.from('statemesh presence proof');
const T = 1000;
const claim = prove(input, T);

describe('Wesolowski VDF', () => {
  it('proves and verifies', () => {
    expect(claim.output).toMatch(/^[0-9a-f]{512}$/);
    expect(claim.proof).toMatch(/^[0-9a-f]{512}$/);
    expect(verify(input, T, claim)).toBe(true);
    expect(prove(input, T)).toEqual(claim);
  });

  it('computes y = x^(2^T) and π = x^floor(2^T / l) exactly', () => {
    const x = hashToGroup(input);
    const y = canonical(modPow(x, 2n ** BigInt(T), N));
    expect(claim.output).toBe(elementToHex(y));
    expect(evaluate(input, T)).toBe(claim.output);
    const l = challengePrime(x, y, T);
    expect(claim.proof).toBe(elementToHex(modPow(x, 2n ** BigInt(T) / l, N)));
  });

  it('gives the same proof whatever memory the prover may use', () => {
    for (const maxCheckpoints of [1, 2, 3, 7, 50, 100_000]) {
      expect(prove(input, T, { maxCheckpoints })).toEqual(claim);
    }
    expect(prove(input, 4099, { maxCheckpoints: 5 })).toEqual(prove(input, 4099));
  });

  it('handles delays shorter than the challenge prime', () => {
    for (const iterations of [1, 2, 127, 128, 129]) {
      expect(verify(input, iterations, prove(input, iterations))).toBe(true);
    }
    expect(prove(input, 64).proof).toBe(elementToHex(1n));
  });

  it('rejects a flip of any bit of the input', () => {
    const small = Buffer.from('node-42!');
    const smallClaim = prove(small, 256);
    for (let bit = 0; bit < small.length * 8; bit++) {
      const flipped = Buffer.from(small);
      flipped[bit >> 3] ^= 1 << (bit & 7);
      expect(accepts(flipped, 256, smallClaim)).toBe(false);
    }
  });

  it('rejects a flip of sampled bits of the output and the proof', () => {
    const bits = [0, 1, 2, 7, 8, 63, 64, 127, 128, 255, 511, 512, 1000, 1023, 1024, 1500, 2000, 2040, 2045, 2046, 2047];
    for (const bit of bits) {
      expect(accepts(input, T, { ...claim, output: flipHexBit(claim.output, bit) })).toBe(false);
      expect(accepts(input, T, { ...claim, proof: flipHexBit(claim.proof, bit) })).toBe(false);
    }
  });

  it('rejects the wrong number of iterations', () => {
    for (const iterations of [T - 1, T + 1, 2 * T, T / 2, 1]) expect(verify(input, iterations, claim)).toBe(false);
  });

  it('rejects swapped or negated values', () => {
    expect(accepts(input, T, { output: claim.proof, proof: claim.output })).toBe(false);
    const negate = (hex: string) => (N - BigInt('0x' + hex)).toString(16).padStart(512, '0');
    expect(codeOf(() => verify(input, T, { ...claim, output: negate(claim.output) }))).toBe('vdf.out-of-range');
    expect(codeOf(() => verify(input, T, { ...claim, proof: negate(claim.proof) }))).toBe('vdf.out-of-range');
  });

  it('rejects malformed or out-of-range values with typed errors', () => {
    const nHex = N.toString(16);
    expect(codeOf(() => verify(input, T, { ...claim, output: claim.output.toUpperCase() }))).toBe('vdf.malformed');
    expect(codeOf(() => verify(input, T, { ...claim, proof: claim.proof.slice(1) }))).toBe('vdf.malformed');
    expect(codeOf(() => verify(input, T, { ...claim, proof: '0x' + claim.proof.slice(2) }))).toBe('vdf.malformed');
    expect(codeOf(() => verify(input, T, { ...claim, output: nHex }))).toBe('vdf.out-of-range');
    expect(codeOf(() => verify(input, T, { ...claim, proof: '0'.repeat(512) }))).toBe('vdf.out-of-range');
    expect(codeOf(() => verify(input, T, { ...claim, output: 'f'.repeat(512) }))).toBe('vdf.out-of-range');
    expect(codeOf(() => verify('text' as unknown as Uint8Array, T, claim))).toBe('vdf.malformed');
  });

  it('rejects invalid iteration counts', () => {
    for (const iterations of [0, -1, 1.5, Number.NaN, Infinity, 2 ** 53]) {
      expect(codeOf(() => prove(input, iterations))).toBe('vdf.invalid-iterations');
      expect(codeOf(() => verify(input, iterations, claim))).toBe('vdf.invalid-iterations');
    }
  });

  it('reports progress through both phases and can be aborted', () => {
    const seen: VdfProgress[] = [];
    prove(input, T, { checkEvery: 100, onProgress: (progress) => seen.push(progress) });
    const evaluation = seen.filter((progress) => progress.phase === 'evaluate');
    const proving = seen.filter((progress) => progress.phase === 'prove');
    const expected = [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1000];
    expect(evaluation.map((progress) => progress.done)).toEqual(expected);
    expect(evaluation.every((progress) => progress.total === T)).toBe(true);
    expect(proving.length).toBeGreaterThan(0);
    expect(proving.at(-1)!.done).toBe(proving.at(-1)!.total);

    let checks = 0;
    expect(codeOf(() => prove(input, T, { checkEvery: 10, shouldAbort: () => ++checks > 3 }))).toBe('vdf.aborted');
    expect(checks).toBe(4);
  });

  it('verifies honest proofs for random inputs and delays', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 1, max: 400 }), (bytes, iterations) => {
        const honest = prove(bytes, iterations, { maxCheckpoints: 1 + (iterations % 9) });
        expect(verify(bytes, iterations, honest)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('rejects random single-bit corruptions', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 32 }),
        fc.integer({ min: 130, max: 300 }),
        fc.constantFrom('input', 'output', 'proof'),
        fc.nat(),
        (bytes, iterations, field, position) => {
          const honest = prove(bytes, iterations);
          if (field === 'input') {
            const flipped = Buffer.from(bytes);
            const bit = position % (bytes.length * 8);
            flipped[bit >> 3] ^= 1 << (bit & 7);
            expect(accepts(flipped, iterations, honest)).toBe(false);
          } else {
            const corrupt = { ...honest, [field]: flipHexBit(honest[field as keyof VdfProof], position % 2048) };
            expect(accepts(bytes, iterations, corrupt)).toBe(false);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
