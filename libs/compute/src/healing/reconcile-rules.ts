import type { AgentVmState } from '@statemesh/agent-protocol';
import type { VmStatus } from '../lifecycle/vm-lifecycle.types';

/**
 * Reconciliation of one node, as a pure function: what the platform has
 * placed on the node (desired) against what the node's last heartbeat said
 * it holds (observed) → repairs. Everything it cannot explain is flagged,
 * never silently fixed.
 */

/** A VM the platform has placed on the node. */
export interface PlacedVm {
  id: string;
  status: VmStatus;
  generation: number;
  /** When the VM entered its status. */
  statusChangedAt: Date;
  /** An assignment for the VM is waiting for (or being carried out by) the node. */
  hasOpenAssignment: boolean;
}

/** A VM the node reports holding. */
export interface ObservedVm {
  id: string;
  state: AgentVmState;
  generation?: number;
}

/** What the platform knows of a reported VM that is not placed on the node. */
export interface ElsewhereVm {
  id: string;
  status: VmStatus;
  nodeId: string | null;
  generation: number;
  /** A delete-vm for this node is already on its way. */
  deleteOpen: boolean;
}

export interface NodeObservation {
  nodeId: string;
  /** When the observed list was reported. */
  observedAt: Date;
  placed: readonly PlacedVm[];
  observed: readonly ObservedVm[];
  /** Reported VMs that are not placed on this node, by id (absent: the platform has no such VM). */
  elsewhere: ReadonlyMap<string, ElsewhereVm>;
}

export type ReconcileAction =
  /** The node no longer holds a VM it should run (or never got it): hand it a fresh create-vm. */
  | { kind: 'recreate'; vmId: string; reason: string }
  /** The node no longer holds a VM being deleted (the acknowledgement was lost): finish the deletion, release capacity. */
  | { kind: 'finish-deletion'; vmId: string }
  /** The node holds a copy of a VM that is placed elsewhere, deleted, or of an older generation: it must destroy it. */
  | { kind: 'delete-stale-copy'; vmId: string; reason: string }
  /** The node reports a VM the platform knows nothing about: flagged, never touched. */
  | { kind: 'flag-unknown'; vmId: string; reason: string };

/** Statuses in which the VM should exist on its node. */
const SHOULD_EXIST: readonly VmStatus[] = ['scheduled', 'provisioning', 'running', 'stopping', 'stopped', 'starting', 'restarting', 'failed', 'suspended', 'crashLoop'];

/**
 * `settleMs`: how old a status must be, relative to the observation, before
 * a missing VM counts as missing (the heartbeat may predate the create).
 */
export function reconcileNode(node: NodeObservation, settleMs: number): ReconcileAction[] {
  const actions: ReconcileAction[] = [];
  const observed = new Map(node.observed.map((vm) => [vm.id, vm]));
  const placedIds = new Set(node.placed.map((vm) => vm.id));
  const settledBefore = node.observedAt.getTime() - settleMs;

  for (const vm of node.placed) {
    if (observed.has(vm.id) || vm.hasOpenAssignment || vm.statusChangedAt.getTime() > settledBefore) continue;
    if (vm.status === 'deleting') {
      actions.push({ kind: 'finish-deletion', vmId: vm.id });
    } else if (SHOULD_EXIST.includes(vm.status)) {
      actions.push({ kind: 'recreate', vmId: vm.id, reason: vm.status === 'scheduled' ? 'the create-vm assignment was lost' : 'the node no longer holds the VM' });
    }
  }

  for (const copy of node.observed) {
    if (placedIds.has(copy.id)) {
      const vm = node.placed.find((candidate) => candidate.id === copy.id) as PlacedVm;
      // A copy of an older placement on the same node: the new create-vm replaces it, unless none is coming.
      if (copy.generation !== undefined && copy.generation < vm.generation && !vm.hasOpenAssignment) {
        actions.push({ kind: 'delete-stale-copy', vmId: copy.id, reason: `generation ${copy.generation} is older than ${vm.generation}` });
      }
      continue;
    }
    const known = node.elsewhere.get(copy.id);
    if (!known) {
      actions.push({ kind: 'flag-unknown', vmId: copy.id, reason: 'the platform has no such VM' });
      continue;
    }
    if (known.deleteOpen) continue;
    if (known.status === 'deleted') {
      actions.push({ kind: 'delete-stale-copy', vmId: copy.id, reason: 'the VM was deleted' });
    } else if (known.nodeId !== node.nodeId && (copy.generation === undefined || copy.generation <= known.generation)) {
      actions.push({ kind: 'delete-stale-copy', vmId: copy.id, reason: known.nodeId ? `the VM now runs on node ${known.nodeId}` : 'the VM was moved off this node' });
    } else {
      actions.push({ kind: 'flag-unknown', vmId: copy.id, reason: `the node reports generation ${copy.generation}, newer than the platform's ${known.generation}` });
    }
  }
  return actions;
}
