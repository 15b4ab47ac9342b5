import { GENESIS_PREVIOUS_HASH, challengeInput } from '@statemesh/vdf';

// What makes a presence proof acceptable, short of the VDF verification
// itself (done by the caller, after these cheap checks pass). Pure.

/** Rejections, with whether they count against the node (an invalid proof jails it at the epoch boundary). */
export const PROOF_REJECTIONS = {
  /** The agent used another delay than the platform's: a configuration mismatch, not an attack. */
  'proof.wrong_iterations': { counted: false },
  /** Built on the epoch that has just closed: a race every honest agent can lose at a boundary. */
  'proof.stale_epoch': { counted: false },
  /** Sooner after the previous proof than half the proof interval: rate limiting, not fraud. */
  'proof.too_early': { counted: false },
  /** Names an epoch that is neither the open one nor the one just closed. */
  'proof.wrong_epoch': { counted: true },
  /** An input this node already proved: presenting old work as new. */
  'proof.replayed': { counted: true },
  /** Does not extend the node's chain head. */
  'proof.broken_chain': { counted: true },
  /** The input is not H(previous proof ‖ epoch seed ‖ node id) for this node. */
  'proof.wrong_input': { counted: true },
  /** Arrived sooner than T squarings can take on the fastest known hardware. */
  'proof.too_fast': { counted: true },
  /** The VDF output or proof does not verify. */
  'proof.invalid': { counted: true },
} as const satisfies Record<string, { counted: boolean }>;

export type ProofRejection = keyof typeof PROOF_REJECTIONS;

export interface ChainHead {
  sequence: number;
  hash: string;
  acceptedAt: Date;
}

export interface OpenEpoch {
  number: number;
  seed: string;
  /** When the epoch's seed was published: nothing built on it can be older. */
  openedAt: Date;
}

export interface ProofChallenge {
  epoch: number;
  sequence: number;
  previousHash: string;
  /** challengeInput(previousHash, epoch seed, node id): what the node must prove on. */
  input: string;
}

/** The next proof a node owes: on its chain head and the open epoch's seed. */
export function nextChallenge(nodeId: string, head: ChainHead | null, epoch: OpenEpoch): ProofChallenge {
  const previousHash = head?.hash ?? GENESIS_PREVIOUS_HASH;
  return {
    epoch: epoch.number,
    sequence: head ? head.sequence + 1 : 0,
    previousHash,
    input: challengeInput(previousHash, epoch.seed, nodeId),
  };
}

export interface ProofSubmission {
  epoch: number;
  previousHash: string;
  input: string;
  iterations: number;
}

export interface ProofContext {
  nodeId: string;
  epoch: OpenEpoch;
  head: ChainHead | null;
  /** Whether the submitted input already has an entry in the node's chain. */
  inputAlreadyAccepted: boolean;
  iterations: number;
  proofIntervalMs: number;
  /** minimumProvingMillis(iterations) at the fastest known squaring rate. */
  minimumProvingMs: number;
  now: Date;
}

export type ProofCheck =
  | { ok: true; challenge: ProofChallenge }
  | { ok: false; rejection: ProofRejection; detail: string; retryAfterMs?: number };

/**
 * Everything about a submission that can be decided without the VDF: the
 * cheapest checks first, and the ones that only hint at a misconfigured or
 * unlucky honest agent before those that count against the node.
 */
export function checkProofSubmission(submission: ProofSubmission, context: ProofContext): ProofCheck {
  const reject = (rejection: ProofRejection, detail: string, retryAfterMs?: number): ProofCheck => ({ ok: false, rejection, detail, retryAfterMs });
  if (submission.iterations !== context.iterations) {
    return reject('proof.wrong_iterations', `Proofs take ${context.iterations} iterations, not ${submission.iterations}.`);
  }
  if (submission.epoch !== context.epoch.number) {
    return submission.epoch === context.epoch.number - 1
      ? reject('proof.stale_epoch', `Epoch ${submission.epoch} has closed; prove on epoch ${context.epoch.number}.`)
      : reject('proof.wrong_epoch', `Epoch ${submission.epoch} is not open; the open epoch is ${context.epoch.number}.`);
  }
  if (context.inputAlreadyAccepted) return reject('proof.replayed', 'This input was already proved; each proof extends the chain once.');
  const challenge = nextChallenge(context.nodeId, context.head, context.epoch);
  if (submission.previousHash !== challenge.previousHash) {
    return reject('proof.broken_chain', 'previousHash is not the hash of the node’s latest accepted proof.');
  }
  if (submission.input !== challenge.input) {
    return reject('proof.wrong_input', 'The input is not H(previous proof ‖ epoch seed ‖ node id) for this node.');
  }
  const knownSince = Math.max(context.epoch.openedAt.getTime(), context.head?.acceptedAt.getTime() ?? 0);
  const elapsed = context.now.getTime() - knownSince;
  if (elapsed < context.minimumProvingMs) {
    return reject('proof.too_fast', `The challenge became known ${elapsed} ms ago; ${submission.iterations} squarings take longer than that on any known hardware.`);
  }
  if (context.head) {
    const wait = context.head.acceptedAt.getTime() + context.proofIntervalMs / 2 - context.now.getTime();
    if (wait > 0) return reject('proof.too_early', `Prove at most once per interval; retry in ${Math.ceil(wait)} ms.`, wait);
  }
  return { ok: true, challenge };
}
