export type NodeClass = 'bare-metal' | 'datacenter' | 'edge';

export type NodeStatus =
  | 'candidate'
  | 'active'
  | 'standby'
  | 'unreachable'
  | 'draining'
  | 'decommissioned'
  | 'jailed';

export type PlacementStrategy = 'binpack' | 'spread';

export interface GpuInventory {
  model: string;
  count: number;
}

export interface GpuRequest {
  count: number;
  /** Any model when absent; the VM's GPUs are always of a single model. */
  model?: string;
}

export interface NodeResources {
  vcpu: number;
  memoryMib: number;
  diskGib: number;
  gpus: readonly GpuInventory[];
}

export interface PlacementRequest {
  vcpu: number;
  memoryMib: number;
  diskGib: number;
  gpus?: GpuRequest;
  zone: string;
  arch: string;
  /** No two VMs of the same group share a node. */
  antiAffinityGroup?: string;
  /** Set when the VM has a local volume: the VM can only run where that disk is. */
  pinnedNodeId?: string;
  strategy: PlacementStrategy;
}

/** What the scheduler needs to know about one node at decision time. */
export interface CandidateNode {
  id: string;
  zone: string;
  class: NodeClass;
  arch: string;
  virtualization: boolean;
  status: NodeStatus;
  /** Eligible for placement in the current epoch (set at the last epoch boundary). */
  eligible: boolean;
  capacity: NodeResources;
  allocated: NodeResources;
  /** Anti-affinity groups that already have a VM on this node. */
  antiAffinityGroups: ReadonlySet<string> | readonly string[];
}

/**
 * The filters in the order they run. A node is counted against the first
 * filter that rejects it, so the order decides what an explanation blames:
 * facts about the hardware first (the node could never host this VM), then
 * where the VM must be (pin, zone), then the node's standing (status,
 * eligibility), then what changes with every placement (free capacity,
 * anti-affinity).
 */
export const PLACEMENT_FILTERS = [
  'class',
  'virtualization',
  'architecture',
  'pin',
  'zone',
  'status',
  'eligibility',
  'vcpu',
  'memory',
  'disk',
  'gpu',
  'antiAffinity',
] as const;

export type PlacementFilter = (typeof PLACEMENT_FILTERS)[number];

export type PlacementRejections = Record<PlacementFilter, number>;

export interface PlacementExplanation {
  nodesConsidered: number;
  /** Nodes that passed every filter; nodesConsidered = feasible + the sum of rejected. */
  feasible: number;
  /** Every filter is present, in filter order, with zero when it rejected nothing: a stable shape for clients. */
  rejected: PlacementRejections;
  chosenNodeId: string | null;
  strategy: PlacementStrategy;
  message: string;
}

export interface PlacementDecision {
  /** The best feasible nodes, best first, so a caller that loses a reservation race can try the next. */
  ranked: string[];
  chosenNodeId: string | null;
  explanation: PlacementExplanation;
}

/**
 * Relative importance of each resource in the score. Disk weighs less by
 * default because nodes rarely run out of disk before vCPU or memory, and
 * letting it dominate would spread VMs onto nodes whose CPU is the scarce part.
 */
export interface ScoreWeights {
  vcpu: number;
  memoryMib: number;
  diskGib: number;
}

export interface SchedulerOptions {
  /** How many feasible nodes `ranked` holds at most; Infinity ranks all of them. */
  rankLimit?: number;
  weights?: Partial<ScoreWeights>;
}
