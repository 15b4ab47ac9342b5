import { canonical, elementToHex, hashToGroup, parseElement } from './group-element';
import { RSA_2048_MODULUS } from './rsa-2048';
import { VdfError } from './vdf.errors';

const N = RSA_2048_MODULUS;
const HALF_N = (N - 1n) / 2n;

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof VdfError) return error.code;
    throw error;
  }
  return undefined;
}

describe('group elements', () => {
  it('identifies x with N - x', () => {
    expect(canonical(5n)).toBe(5n);
    expect(canonical(N - 5n)).toBe(5n);
    expect(canonical(N - 1n)).toBe(1n);
    expect(canonical(HALF_N)).toBe(HALF_N);
    expect(canonical(HALF_N + 1n)).toBe(HALF_N);
    expect(canonical(N + 7n)).toBe(7n);
  });

  it('hashes bytes to a deterministic, non-trivial canonical element', () => {
    const a = hashToGroup(Buffer.from('node-1'));
    expect(hashToGroup(Buffer.from('node-1'))).toBe(a);
    expect(hashToGroup(Buffer.from('node-2'))).not.toBe(a);
    for (const input of [Buffer.alloc(0), Buffer.from([0]), Buffer.alloc(1000, 0xff), Buffer.from('x')]) {
      const element = hashToGroup(input);
      expect(element > 1n && element <= HALF_N).toBe(true);
    }
    expect(hashToGroup(Buffer.alloc(0))).not.toBe(hashToGroup(Buffer.from([0])));
  });

  it('round-trips through 512 lowercase hex digits', () => {
    for (const element of [1n, 2n, HALF_N, hashToGroup(Buffer.from('abc'))]) {
      const hex = elementToHex(element);
      expect(hex).toMatch(/^[0-9a-f]{512}$/);
      expect(parseElement(hex)).toBe(element);
    }
    expect(elementToHex(N - 2n)).toBe(elementToHex(2n));
  });

  it('rejects malformed values', () => {
    const good = elementToHex(0xabcdefn);
    const bads = [good.toUpperCase(), good.slice(2), good + '00', good.replace(/.$/, 'g'), '', 42, null, undefined];
    for (const bad of bads) {
      expect(codeOf(() => parseElement(bad))).toBe('vdf.malformed');
    }
  });

  it('rejects zero, non-canonical and out-of-range values', () => {
    const hex = (value: bigint) => value.toString(16).padStart(512, '0');
    for (const bad of [0n, HALF_N + 1n, N - 2n, N - 1n, N, N + 1n, (1n << 2048n) - 1n]) {
      expect(codeOf(() => parseElement(hex(bad)))).toBe('vdf.out-of-range');
    }
  });
});
