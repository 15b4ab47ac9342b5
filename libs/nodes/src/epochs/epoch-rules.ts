import type { JailReason, NodeStatus } from '../node-model';

// The Time Tower's standing rules: given what a node is and what it did in
// the epoch that just ended, what it is next. Pure, so that every rule is
// tested exhaustively; the epochs service only gathers the evidence and
// writes the verdicts.

export interface EpochRules {
  /** K: good epochs in a row for a candidate to become active. */
  epochsToActivate: number;
  /** Share of expected proofs that makes an epoch good. */
  activeProofThreshold: number;
  /** J: how many epochs a jail term lasts. */
  jailEpochs: number;
  /** Epochs in a row without a valid proof that jail a node which had been active. */
  absenceEpochsToJail: number;
}

/** What the platform remembers about a node between epochs. */
export interface NodeStanding {
  status: NodeStatus;
  eligible: boolean;
  goodEpochs: number;
  absentEpochs: number;
  jailedUntilEpoch: number | null;
  jailReason: JailReason | null;
  lastActiveEpoch: number | null;
}

/** What the node did during the epoch, and its situation at the boundary. */
export interface EpochEvidence {
  expectedProofs: number;
  validProofs: number;
  invalidProofs: number;
  /** A heartbeat arrived within the unreachable threshold. */
  reachable: boolean;
  decommissionRequested: boolean;
  /** Capacity is still reserved on the node (VMs run there). */
  hasAllocations: boolean;
}

export type StandingTransition =
  | 'unchanged'
  | 'progressed'
  | 'promoted'
  | 'recovered'
  | 'demoted'
  | 'reset'
  | 'jailed'
  | 'released'
  | 'unreachable'
  | 'draining'
  | 'decommissioned';

export interface EpochVerdict {
  standing: NodeStanding;
  /** Valid proofs over expected ones, capped at 1. */
  share: number;
  good: boolean;
  transition: StandingTransition;
}

export function proofShare(validProofs: number, expectedProofs: number): number {
  return Math.min(1, validProofs / Math.max(1, expectedProofs));
}

/**
 * How many proofs a node owes for an epoch: one per interval of the time it
 * existed during the epoch (a node registered mid-epoch owes only for the
 * rest of it), and at least one.
 */
export function expectedProofs(epoch: { startsAt: Date; endsAt: Date }, nodeCreatedAt: Date, proofIntervalSeconds: number): number {
  const from = Math.max(epoch.startsAt.getTime(), nodeCreatedAt.getTime());
  const seconds = Math.max(0, epoch.endsAt.getTime() - from) / 1000;
  // A hair of tolerance so that 2 s / 0.25 s is 8, not 7.999….
  return Math.max(1, Math.floor(seconds / proofIntervalSeconds + 1e-9));
}

/**
 * The verdict for `epoch` (the number of the epoch that just ended), in
 * order of precedence:
 *
 * 1. decommissioned is final; a draining node with nothing left on it is
 *    decommissioned;
 * 2. an admin jail lasts until an admin lifts it;
 * 3. a draining node stays draining (or unreachable): it takes no new work,
 *    so its standing no longer matters;
 * 4. any invalid proof jails the node for J epochs (a new offence while
 *    jailed restarts the term);
 * 5. a jail term ends after its last epoch: back to candidate (trust is
 *    earned again from zero), or unreachable if the node is silent;
 * 6. a node that had earned trust and then sent no valid proof for
 *    `absenceEpochsToJail` epochs in a row is jailed for J epochs;
 * 7. a silent node is unreachable;
 * 8. otherwise: a candidate becomes active after K good epochs in a row, an
 *    active node is demoted to standby by a bad epoch, a standby node is
 *    active again after one good epoch.
 *
 * Only an active node is eligible for placement in the next epoch.
 */
export function judgeEpoch(epoch: number, current: NodeStanding, evidence: EpochEvidence, rules: EpochRules): EpochVerdict {
  const share = proofShare(evidence.validProofs, evidence.expectedProofs);
  const good = evidence.invalidProofs === 0 && share >= rules.activeProofThreshold;
  const goodEpochs = good ? current.goodEpochs + 1 : 0;
  const absentEpochs = evidence.validProofs === 0 ? current.absentEpochs + 1 : 0;
  const verdict = (next: Partial<NodeStanding> & { status: NodeStatus }, transition: StandingTransition): EpochVerdict => {
    const standing: NodeStanding = {
      ...current,
      goodEpochs,
      absentEpochs,
      ...next,
      eligible: next.status === 'active',
      lastActiveEpoch: next.status === 'active' ? epoch : current.lastActiveEpoch,
    };
    // Jail fields describe a jail only; whatever was stored, they go with it.
    if (standing.status !== 'jailed') Object.assign(standing, { jailedUntilEpoch: null, jailReason: null });
    return { standing, share, good, transition };
  };
  const jail = (reason: JailReason) =>
    verdict({ status: 'jailed', jailReason: reason, jailedUntilEpoch: epoch + rules.jailEpochs, goodEpochs: 0, absentEpochs: 0 }, 'jailed');

  if (current.status === 'decommissioned') return verdict({ status: 'decommissioned' }, 'unchanged');
  if (evidence.decommissionRequested && !evidence.hasAllocations) {
    return verdict({ status: 'decommissioned', goodEpochs: 0 }, 'decommissioned');
  }
  if (current.status === 'jailed' && current.jailReason === 'admin') return verdict({ status: 'jailed', goodEpochs: 0 }, 'unchanged');
  if (evidence.decommissionRequested) {
    const next = evidence.reachable ? 'draining' : 'unreachable';
    return verdict({ status: next, goodEpochs: 0 }, next === current.status ? 'unchanged' : next);
  }
  if (evidence.invalidProofs > 0) return jail('invalid_proofs');
  if (current.status === 'jailed') {
    if (current.jailedUntilEpoch !== null && epoch < current.jailedUntilEpoch) return verdict({ status: 'jailed', goodEpochs: 0 }, 'unchanged');
    return evidence.reachable
      ? verdict({ status: 'candidate', goodEpochs: 0, absentEpochs: 0 }, 'released')
      : verdict({ status: 'unreachable', goodEpochs: 0, absentEpochs: 0 }, 'released');
  }
  const heldTrust = current.lastActiveEpoch !== null && ['active', 'standby', 'unreachable'].includes(current.status);
  if (heldTrust && absentEpochs >= rules.absenceEpochsToJail) return jail('absence');
  if (!evidence.reachable) {
    return verdict({ status: 'unreachable', goodEpochs: 0 }, current.status === 'unreachable' ? 'unchanged' : 'unreachable');
  }

  switch (current.status) {
    case 'unreachable':
      // Reachable again but not yet moved by a heartbeat: trust is re-earned from candidate.
      return verdict({ status: 'candidate', goodEpochs: 0 }, 'reset');
    case 'candidate':
      if (!good) return verdict({ status: 'candidate' }, current.goodEpochs > 0 ? 'reset' : 'unchanged');
      return goodEpochs >= rules.epochsToActivate ? verdict({ status: 'active' }, 'promoted') : verdict({ status: 'candidate' }, 'progressed');
    case 'active':
      return good ? verdict({ status: 'active' }, 'unchanged') : verdict({ status: 'standby' }, 'demoted');
    case 'standby':
      return good ? verdict({ status: 'active' }, 'recovered') : verdict({ status: 'standby' }, 'unchanged');
    case 'draining':
      // Draining without a decommission request cannot happen; keep the node out of placement.
      return verdict({ status: 'draining', goodEpochs: 0 }, 'unchanged');
    default:
      return assertNever(current.status);
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected node status: ${String(value)}`);
}
