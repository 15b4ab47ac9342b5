import type { CandidateNode, PlacementDecision, PlacementExplanation, PlacementRequest } from './placement.types';
import type { PlacementScheduler } from './scheduler';

/** One VM a placement round decides, with what it asks for. */
export interface RoundVm {
  vmId: string;
  request: PlacementRequest;
}

/** What a round decided for one VM: a node, or none with the explanation why. */
export type RoundDecision =
  | { vmId: string; nodeId: string; explanation: PlacementExplanation }
  | { vmId: string; nodeId: null; explanation: PlacementExplanation };

/** The capacity a round takes on one node: the sum of its VMs placed there. */
export interface NodeDemand {
  nodeId: string;
  vcpu: number;
  memoryMib: number;
  diskGib: number;
}

export interface RoundPlan {
  /** One per VM, in the order the VMs were given. */
  decisions: RoundDecision[];
  /** One per node that received VMs, in the order the nodes were first chosen. */
  demand: NodeDemand[];
}

/**
 * Decides a round of VMs one after another against the same candidates,
 * each decision seeing the capacity the earlier ones took (vCPU, memory,
 * disk and GPUs), so no two decisions of a round count on the same free
 * capacity. Each decision and its explanation are exactly what
 * `PlacementScheduler.place` answers over the candidates as the earlier
 * decisions left them (see PlacementSequence). The candidates are not
 * modified.
 */
export function planRound(scheduler: PlacementScheduler, candidates: readonly CandidateNode[], vms: readonly RoundVm[]): RoundPlan {
  const sequence = scheduler.sequence(candidates);
  const demand = new Map<string, NodeDemand>();
  const decisions: RoundDecision[] = [];
  for (const { vmId, request } of vms) {
    const decision = sequence.place(request);
    const nodeId = decision.chosenNodeId;
    if (nodeId === null) {
      decisions.push({ vmId, nodeId: null, explanation: { ...decision.explanation, chosenNodeId: null } });
      continue;
    }
    sequence.take(nodeId, request);
    const taken = demand.get(nodeId) ?? { nodeId, vcpu: 0, memoryMib: 0, diskGib: 0 };
    taken.vcpu += request.vcpu;
    taken.memoryMib += request.memoryMib;
    taken.diskGib += request.diskGib;
    demand.set(nodeId, taken);
    decisions.push({ vmId, nodeId, explanation: placedExplanation(nodeId, decision) });
  }
  return { decisions, demand: [...demand.values()] };
}

/** The round's decisions once the database has answered which nodes took their demand. */
export interface SettledRound {
  placed: Array<RoundDecision & { nodeId: string }>;
  unschedulable: Array<RoundDecision & { nodeId: null }>;
  /** Back to waiting, for the next round. */
  deferred: RoundDecision[];
}

/**
 * Splits a round's decisions by the nodes that refused their demand (their
 * free capacity changed since the snapshot, or they left placement). VMs
 * bound for a refused node wait for the next round. So do the round's
 * unschedulable VMs then: they were judged against capacity that a refused
 * node's VMs were counted on, and may fit once those are placed elsewhere.
 */
export function settleRound(decisions: readonly RoundDecision[], refusedNodeIds: ReadonlySet<string>): SettledRound {
  const settled: SettledRound = { placed: [], unschedulable: [], deferred: [] };
  for (const decision of decisions) {
    if (decision.nodeId === null) {
      if (refusedNodeIds.size > 0) settled.deferred.push(decision);
      else settled.unschedulable.push(decision);
    } else if (refusedNodeIds.has(decision.nodeId)) {
      settled.deferred.push(decision);
    } else {
      settled.placed.push(decision);
    }
  }
  return settled;
}

/** The explanation kept on a placed VM: the decision's counts, the node it got and a sentence. */
export function placedExplanation(nodeId: string, decision: PlacementDecision): PlacementExplanation {
  const { feasible, nodesConsidered } = decision.explanation;
  return { ...decision.explanation, chosenNodeId: nodeId, message: `Placed on node ${nodeId} (${feasible} of ${nodesConsidered} nodes fit).` };
}
