import type { NodeProof } from '@statemesh/database';
import type { StoredProofEntry } from '@statemesh/vdf';
import type { NodeProofDto } from './dto/proof.dto';

export function toNodeProofResponse(entry: NodeProof): NodeProofDto {
  return {
    sequence: entry.sequence,
    epoch: entry.epoch,
    input: entry.input,
    output: entry.output,
    proof: entry.proof,
    iterations: entry.iterations,
    previousHash: entry.previousHash,
    hash: entry.hash,
    acceptedAt: entry.acceptedAt.toISOString(),
  };
}

export function toStoredProofEntry(entry: NodeProof): StoredProofEntry {
  return {
    sequence: entry.sequence,
    nodeId: entry.nodeId,
    epoch: entry.epoch,
    input: entry.input,
    output: entry.output,
    proof: entry.proof,
    iterations: entry.iterations,
    previousHash: entry.previousHash,
    hash: entry.hash,
  };
}
