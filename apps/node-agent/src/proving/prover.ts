export interface VdfResult {
  output: string;
  proof: string;
}

/** Computes presence proofs. */
export interface Prover {
  prove(input: string, iterations: number, signal?: AbortSignal): Promise<VdfResult>;
  close(): Promise<void>;
}

export class ProofAbortedError extends Error {
  constructor() {
    super('proof aborted');
    this.name = 'ProofAbortedError';
  }
}
