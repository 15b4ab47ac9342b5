import { decodeHex, lengthPrefixed, taggedSha256, uint64 } from './domain-hash';
import { ELEMENT_BYTES } from './rsa-2048';
import { VdfError } from './vdf.errors';

/** The previous hash of a node's first entry. */
export const GENESIS_PREVIOUS_HASH = '0'.repeat(64);

const HASH_BYTES = 32;

/** One presence proof as stored in a node's chain; hex fields are lowercase. */
export interface ProofEntry {
  sequence: number;
  nodeId: string;
  epoch: number;
  /** challengeInput(...) of this entry: 64 hex digits. */
  input: string;
  /** VdfProof.output: 512 hex digits. */
  output: string;
  /** VdfProof.proof: 512 hex digits. */
  proof: string;
  iterations: number;
  /** Hash of the entry before, or GENESIS_PREVIOUS_HASH. */
  previousHash: string;
}

export interface StoredProofEntry extends ProofEntry {
  /** proofEntryHash(entry), as stored when the entry was accepted. */
  hash: string;
}

/** What the first entry given to verifyChain must link to. */
export interface ChainStart {
  previousHash: string;
  sequence: number;
}

export const CHAIN_GENESIS: ChainStart = Object.freeze({ previousHash: GENESIS_PREVIOUS_HASH, sequence: 0 });

/**
 * The VDF input of a node's next proof: it commits to the previous proof (so
 * proofs cannot be computed ahead or out of order), to the epoch's seed (so
 * nothing can be computed before the epoch is announced) and to the node (so
 * one node's work cannot be presented by another). Returns 64 hex digits;
 * pass `Buffer.from(input, 'hex')` to prove/verify.
 */
export function challengeInput(previousProofHash: string, epochSeed: string, nodeId: string): string {
  const previous = decodeHex(previousProofHash, HASH_BYTES, 'previous proof hash');
  return taggedSha256(
    'statemesh/vdf/v1/challenge-input',
    previous,
    lengthPrefixed(Buffer.from(epochSeed, 'utf8')),
    lengthPrefixed(Buffer.from(nodeId, 'utf8')),
  ).toString('hex');
}

/** SHA-256 of every field of the entry, each fixed-width or length-prefixed; 64 hex digits. */
export function proofEntryHash(entry: ProofEntry): string {
  return taggedSha256(
    'statemesh/vdf/v1/proof-entry',
    uint64(counter(entry.sequence, 'sequence')),
    lengthPrefixed(Buffer.from(text(entry.nodeId, 'nodeId'), 'utf8')),
    uint64(counter(entry.epoch, 'epoch')),
    decodeHex(entry.input, HASH_BYTES, 'input'),
    decodeHex(entry.output, ELEMENT_BYTES, 'output'),
    decodeHex(entry.proof, ELEMENT_BYTES, 'proof'),
    uint64(counter(entry.iterations, 'iterations')),
    decodeHex(entry.previousHash, HASH_BYTES, 'previousHash'),
  ).toString('hex');
}

/**
 * The index of the first entry that breaks the chain (wrong sequence number,
 * previousHash not the hash of the entry before, stored hash not the hash of
 * the entry's fields, or an unreadable field), or null when the chain holds.
 * It does not re-verify the VDF proofs, which is done once when each entry
 * is accepted. `start` lets a caller check a window of a longer chain.
 */
export function verifyChain(entries: readonly StoredProofEntry[], start: ChainStart = CHAIN_GENESIS): number | null {
  let expectedPrevious = start.previousHash;
  let expectedSequence = start.sequence;
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index];
    if (entry.sequence !== expectedSequence || entry.previousHash !== expectedPrevious) return index;
    let hash: string;
    try {
      hash = proofEntryHash(entry);
    } catch (error) {
      if (error instanceof VdfError) return index;
      throw error;
    }
    if (entry.hash !== hash) return index;
    expectedPrevious = entry.hash;
    expectedSequence = entry.sequence + 1;
  }
  return null;
}

function counter(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new VdfError('vdf.malformed', `${what} must be a non-negative safe integer`);
  }
  return value;
}

function text(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new VdfError('vdf.malformed', `${what} must be a string`);
  return value;
}
