import {
  challengeInput,
  GENESIS_PREVIOUS_HASH,
  ProofEntry,
  proofEntryHash,
  StoredProofEntry,
  verifyChain,
} from './proof-chain';
import { VdfError } from './vdf.errors';
import { prove, verify } from './wesolowski';

const NODE = 'node0000000000001';
const ITERATIONS = 64;

function buildChain(length: number): StoredProofEntry[] {
  const entries: StoredProofEntry[] = [];
  let previousHash = GENESIS_PREVIOUS_HASH;
  for (let sequence = 0; sequence < length; sequence++) {
    const epoch = 100 + sequence;
    const input = challengeInput(previousHash, `seed-${epoch}`, NODE);
    const { output, proof } = prove(Buffer.from(input, 'hex'), ITERATIONS);
    const iterations = ITERATIONS;
    const entry: ProofEntry = { sequence, nodeId: NODE, epoch, input, output, proof, iterations, previousHash };
    const hash = proofEntryHash(entry);
    entries.push({ ...entry, hash });
    previousHash = hash;
  }
  return entries;
}

/** A different value of the same type, and still well-formed where the field has a format. */
function edited(value: string | number): string | number {
  if (typeof value === 'number') return value + 1;
  if (/^[0-9a-f]+$/.test(value)) return value.slice(0, -1) + (value.endsWith('0') ? '1' : '0');
  return value + 'x';
}

describe('proof chain', () => {
  const chain = buildChain(4);

  it('starts from a genesis hash of 64 zeros', () => {
    expect(GENESIS_PREVIOUS_HASH).toBe('0'.repeat(64));
    expect(chain[0].previousHash).toBe(GENESIS_PREVIOUS_HASH);
  });

  it('accepts a valid chain, whose proofs verify', () => {
    expect(verifyChain(chain)).toBeNull();
    expect(verifyChain([])).toBeNull();
    for (const entry of chain) {
      expect(entry.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(verify(Buffer.from(entry.input, 'hex'), entry.iterations, entry)).toBe(true);
    }
  });

  it('accepts a window of the chain given where it starts', () => {
    expect(verifyChain(chain.slice(2), { previousHash: chain[1].hash, sequence: 2 })).toBeNull();
    expect(verifyChain(chain.slice(2))).toBe(0);
  });

  it('detects an edit of any field of any entry at that entry', () => {
    const fields = Object.keys(chain[0]) as (keyof StoredProofEntry)[];
    expect(fields).toHaveLength(9);
    for (let index = 0; index < chain.length; index++) {
      for (const field of fields) {
        const tampered = chain.map((entry) => ({ ...entry }));
        (tampered[index] as unknown as Record<string, unknown>)[field] = edited(chain[index][field]);
        expect({ field, index, broken: verifyChain(tampered) }).toEqual({ field, index, broken: index });
      }
    }
  });

  it('detects an edited entry whose hash was recomputed at the next entry', () => {
    const tampered = chain.map((entry) => ({ ...entry }));
    tampered[1].epoch = 999;
    tampered[1].hash = proofEntryHash(tampered[1]);
    expect(verifyChain(tampered)).toBe(2);
  });

  it('detects gaps, reordering and malformed fields', () => {
    expect(verifyChain([chain[0], chain[2], chain[3]])).toBe(1);
    expect(verifyChain([chain[0], chain[2], chain[1]])).toBe(1);
    expect(verifyChain([chain[0], chain[1], { ...chain[2], output: chain[2].output.toUpperCase() }])).toBe(2);
    expect(verifyChain([chain[0], { ...chain[1], iterations: -1 }])).toBe(1);
  });

  it('derives challenge inputs from all three parts, unambiguously', () => {
    const base = challengeInput(chain[0].hash, 'seed', NODE);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(challengeInput(chain[0].hash, 'seed', NODE)).toBe(base);
    expect(challengeInput(chain[1].hash, 'seed', NODE)).not.toBe(base);
    expect(challengeInput(chain[0].hash, 'seed2', NODE)).not.toBe(base);
    expect(challengeInput(chain[0].hash, 'seed', NODE + '2')).not.toBe(base);
    expect(challengeInput(GENESIS_PREVIOUS_HASH, 'ab', 'c')).not.toBe(challengeInput(GENESIS_PREVIOUS_HASH, 'a', 'bc'));
  });

  it('refuses a malformed previous hash', () => {
    for (const bad of ['', 'ab', GENESIS_PREVIOUS_HASH.toUpperCase() + 'A', 'G'.repeat(64)]) {
      expect(() => challengeInput(bad, 'seed', NODE)).toThrow(VdfError);
    }
  });
});
