import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@statemesh/config';
import { TransactionRunner, type Db } from '@statemesh/database';
import { NodeCapacityRepository } from '@statemesh/nodes';
import { JobEnqueuer } from '@statemesh/queue';
import { SignalBus } from '@statemesh/redis';
import { VolumeAttachmentService } from '@statemesh/storage';
import { AssignmentIssuer, vmSignal } from '../assignments/assignment-issuer';
import { AssignmentRepository } from '../assignments/assignment.repository';
import { transition } from '../lifecycle/vm-state-machine';
import type { VmStatus } from '../lifecycle/vm-lifecycle.types';
import { OperationRepository } from '../operations/operation.repository';
import { VmLifecycleService } from '../vms/vm-lifecycle.service';
import { VmRepository, type VmWithPorts } from '../vms/vm.repository';
import { HealingMetrics } from './healing.metrics';
import { VmHealingRepository, type LosingNode } from './vm-healing.repository';

/** Statuses of a VM that was meant to be up: they come back elsewhere. */
const UP: readonly VmStatus[] = ['scheduled', 'provisioning', 'running', 'starting', 'restarting', 'crashLoop'];

/**
 * Moves VMs off nodes that are going away, through the normal placement
 * path.
 *
 * - A node unreachable for longer than NODE_LOSS_GRACE_SECONDS is **lost**:
 *   its agent stopped its VMs by itself after the same grace without the API
 *   (self-fencing), so the VMs are placed again at once.
 * - A node being decommissioned, or jailed, may still be running its VMs:
 *   each VM is first marked `rescheduling` while its node is told to delete
 *   its copy (a delete-vm at the VM's generation), and is placed elsewhere
 *   only once the node has done so — or the grace period has passed.
 *
 * In both cases the capacity on the old node is released exactly once (the
 * transaction that clears `reservedNodeId` gives it back), the root disk is
 * left behind (the new node creates a fresh one from the image), platform
 * and S3 volumes stay attached (the create spec carries them) and the
 * node's local volumes are `lost`. A VM pinned by a lost local volume stays
 * unschedulable until its user detaches the volume.
 */
@Injectable()
export class NodeLossService {
  private readonly logger = new Logger(NodeLossService.name);

  constructor(
    private readonly tx: TransactionRunner,
    private readonly vms: VmRepository,
    private readonly healing: VmHealingRepository,
    private readonly assignments: AssignmentRepository,
    private readonly operations: OperationRepository,
    private readonly issuer: AssignmentIssuer,
    private readonly lifecycle: VmLifecycleService,
    private readonly capacity: NodeCapacityRepository,
    private readonly volumes: VolumeAttachmentService,
    private readonly jobs: JobEnqueuer,
    private readonly signals: SignalBus,
    private readonly metrics: HealingMetrics,
    private readonly config: AppConfig,
  ) {}

  private get graceMs(): number {
    return this.config.nodes.nodeLossGraceSeconds * 1000;
  }

  /** One pass over every node that is going away. Returns how many VMs moved on. */
  async evacuate(now: Date = new Date()): Promise<number> {
    let moved = 0;
    for (const node of await this.healing.losingNodes(new Date(now.getTime() - this.graceMs))) {
      const lost = await this.volumes.markLostForNode(node.id);
      if (lost.volumeIds.length > 0) {
        this.metrics.acted('local_volume_lost', lost.volumeIds.length);
        this.logger.warn(`node ${node.id}: local volumes lost: ${lost.volumeIds.join(', ')}`);
      }
      for (const { id } of await this.healing.vmsOnNode(node.id)) {
        try {
          if (await this.evacuateVm(id, node, now)) moved += 1;
        } catch (error) {
          this.logger.error(`VM ${id} on node ${node.id}: ${(error as Error).message}`);
        }
      }
    }
    return moved;
  }

  private async evacuateVm(vmId: string, node: LosingNode, now: Date): Promise<boolean> {
    const done = await this.tx.run(async (db) => {
      await this.healing.lockVm(vmId, db);
      const vm = await this.vms.findById(vmId, db);
      if (!vm || vm.status === 'deleted' || (vm.nodeId !== node.id && vm.reservedNodeId !== node.id)) return false;
      if (node.kind !== 'lost' && !(await this.fenced(vm, node, now, db))) {
        await this.askNodeToLetGo(vm, node, db);
        return false;
      }
      return this.release(vm, node, db);
    });
    await this.signals.signal(vmSignal(vmId));
    return done;
  }

  /** Whether the node has removed its copy (or had the grace period to do so). */
  private async fenced(vm: VmWithPorts, node: LosingNode, now: Date, db: Db): Promise<boolean> {
    if (vm.nodeId !== node.id) return true;
    const evacuation = await this.healing.evacuationOf(vm.id, node.id, vm.generation, db);
    if (!evacuation) return false;
    return evacuation.status === 'done' || evacuation.createdAt.getTime() < now.getTime() - this.graceMs;
  }

  /** Phase one of a drain: the VM waits as `rescheduling` (still holding its old capacity) while its node deletes its copy. */
  private async askNodeToLetGo(vm: VmWithPorts, node: LosingNode, db: Db): Promise<boolean> {
    if (await this.healing.evacuationOf(vm.id, node.id, vm.generation, db)) return false;
    const current = vm.status as VmStatus;
    if (UP.includes(current)) {
      const changed = await this.vms.changeStatus(vm, [current], { status: 'rescheduling', statusReason: reasonOf(node), extra: { restartAt: null } }, db, vm.version);
      if (!changed) return false;
    }
    if (current !== 'deleting') {
      await this.assignments.supersedeOpen(vm.id, db);
      await this.issuer.issue(db, vm, node.id, 'delete-vm', vm.generation);
    }
    await this.vms.addEvent({ vmId: vm.id, accountId: vm.accountId, type: 'status_changed', reason: 'node_draining', message: `${reasonOf(node)} Its copy there is removed first.`, actor: 'system:healing' }, db);
    this.metrics.acted('node_draining');
    return true;
  }

  /** The VM leaves the node for good: capacity back (once), no node, and — if it was meant to be up — placement elsewhere. */
  private async release(vm: VmWithPorts, node: LosingNode, db: Db): Promise<boolean> {
    const current = vm.status as VmStatus;
    if (current === 'deleting') {
      await this.lifecycle.finishDeletion(vm, db, 'system:healing');
      this.metrics.acted('deletion_finished');
      return true;
    }
    // Rescheduling VMs (phase one of a drain) were up; the others follow the state machine's node-loss rule.
    let next: VmStatus = current === 'rescheduling' ? 'rescheduling' : nodeLostStatus(vm);
    // A VM whose local volume was lost with the node cannot go anywhere until its user detaches the volume.
    const pins = next === 'rescheduling' ? await this.healing.lostLocalVolumesOf(vm.id, db) : [];
    if (pins.length > 0) next = 'unschedulable';
    const reason = pins.length > 0 ? `${reasonOf(node)} Local volume ${pins.join(', ')} was lost with it; detach it to place the VM elsewhere.` : reasonOf(node);
    const changed = await this.vms.changeStatus(
      vm,
      [current],
      { status: next, nodeId: null, statusReason: reason, extra: { restartAt: null, ...(vm.healthCheck !== null ? { healthy: false } : {}) } },
      db,
      vm.version,
    );
    if (!changed) return false;
    if (vm.reservedNodeId && (await this.vms.clearReservation(vm.id, vm.reservedNodeId, db))) {
      await this.capacity.release(vm.reservedNodeId, { vcpu: vm.vcpu, memoryMib: vm.memoryMib, diskGib: vm.rootDiskGib }, db);
    }
    await this.assignments.supersedeOpen(vm.id, db);
    const again = next === 'rescheduling';
    await this.vms.addEvent(
      {
        vmId: vm.id,
        accountId: vm.accountId,
        type: 'status_changed',
        reason: 'node_lost',
        message: again
          ? `${reasonOf(node)} The VM is placed again elsewhere with a fresh root disk; platform volumes stay attached.`
          : next === 'unschedulable'
            ? reason
            : `${reasonOf(node)} The VM was not running; start it to place it again.`,
        actor: 'system:healing',
      },
      db,
    );
    if (again) {
      await this.jobs.enqueue(db, 'placement.place-vm', { vmId: vm.id });
    } else if (next !== 'unschedulable') {
      await this.operations.complete(vm.id, ['vm.stop'], {}, db);
    }
    this.metrics.acted('node_lost');
    return true;
  }
}

function nodeLostStatus(vm: VmWithPorts): VmStatus {
  const verdict = transition(vm.status as VmStatus, 'nodeLost', { mode: vm.mode, hasNode: true });
  return verdict.allowed ? verdict.next : (vm.status as VmStatus);
}

function reasonOf(node: LosingNode): string {
  switch (node.kind) {
    case 'lost':
      return `Node ${node.id} was lost (unreachable past the grace period).`;
    case 'draining':
      return `Node ${node.id} is being decommissioned.`;
    case 'jailed':
      return `Node ${node.id} was jailed.`;
  }
}
