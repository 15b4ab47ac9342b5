import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@statemesh/config';
import { DomainError } from '@statemesh/common';
import { TransactionRunner, isUniqueViolation, type Prisma } from '@statemesh/database';
import { NodeCapacityRepository } from '@statemesh/nodes';
import { JobEnqueuer } from '@statemesh/queue';
import { SignalBus } from '@statemesh/redis';
import { VolumeAttachmentService } from '@statemesh/storage';
import { volumeSpecOf } from '../volumes-bridge/vm-volume-delivery';
import { AssignmentIssuer, vmSignal } from '../assignments/assignment-issuer';
import type { VmStatus } from '../lifecycle/vm-lifecycle.types';
import { OperationRepository } from '../operations/operation.repository';
import { VmRepository, type VmWithPorts } from '../vms/vm.repository';
import { CandidateSnapshot } from './candidate-snapshot';
import { placedExplanation } from './placement-round';
import type { CandidateNode, PlacementDecision, PlacementRequest } from './placement.types';
import { PlacementScheduler } from './scheduler';

/** Statuses in which a VM waits for a node. */
export const AWAITING_PLACEMENT: readonly VmStatus[] = ['pending', 'unschedulable', 'rescheduling'];

/** How many times a decision is taken again on fresh numbers after every ranked node was lost to races. */
const FRESH_DECISIONS = 2;
/** How many times a decision is ranked again because its nodes were only locked by concurrent placements. */
const MAX_BUSY_RETRIES = 50;

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export type PlacementOutcome = { result: 'placed'; nodeId: string } | { result: 'unschedulable'; message: string } | { result: 'skipped' };

/**
 * Finds a node for one VM and hands it the work: the path of the VMs that a
 * placement round leaves alone (pinned by a snapshot or a local volume, or
 * in an anti-affinity group; see PlacementRoundService), and of dry runs.
 * The scheduler (a pure function) ranks the candidates; each reservation is
 * one transaction that moves the VM from a waiting status to `scheduled` (guarded by its
 * version, so a duplicate job cannot place it twice), writes the create-vm
 * assignment and, last, takes the capacity with a conditional UPDATE of the
 * node (rolling everything back if the node is full).
 * A node that filled up meanwhile, or an anti-affinity clash, just means the
 * next ranked node. Nothing here can over-commit a node: the database
 * refuses it.
 */
@Injectable()
export class VmPlacementService {
  private readonly logger = new Logger(VmPlacementService.name);
  private readonly scheduler = new PlacementScheduler();

  constructor(
    private readonly tx: TransactionRunner,
    private readonly vms: VmRepository,
    private readonly operations: OperationRepository,
    private readonly capacity: NodeCapacityRepository,
    private readonly snapshot: CandidateSnapshot,
    private readonly issuer: AssignmentIssuer,
    private readonly jobs: JobEnqueuer,
    private readonly signals: SignalBus,
    private readonly volumes: VolumeAttachmentService,
    private readonly config: AppConfig,
  ) {}

  /** A decision without any reservation (dry run): what would happen now, and why. */
  async preview(request: PlacementRequest, accountId: string): Promise<PlacementDecision> {
    this.snapshot.invalidate();
    return this.scheduler.place(request, await this.candidatesFor(request, accountId));
  }

  async place(vmId: string, attempt = 0): Promise<PlacementOutcome> {
    let vm = await this.vms.findById(vmId);
    if (!vm || !AWAITING_PLACEMENT.includes(vm.status as VmStatus)) return { result: 'skipped' };
    // A local volume pins the VM to the node its disk is on.
    // A VM restored from a VM snapshot runs where the snapshot is.
    const pinnedNodeId = vm.pinnedNodeId ?? (await this.volumes.localPinOf(vm.id));
    const request = { ...placementRequestOf(vm), ...(pinnedNodeId ? { pinnedNodeId } : {}) };
    let decision: PlacementDecision | undefined;
    let busyRetries = 0;
    for (let round = 0; round <= FRESH_DECISIONS; round++) {
      decision = this.scheduler.place(request, await this.candidatesFor(request, vm.accountId));
      let sawBusy = false;
      for (const nodeId of decision.ranked) {
        const outcome = await this.tryReserve(vm, nodeId, decision);
        if (outcome === 'placed') {
          this.snapshot.reserved(nodeId, amountsOf(vm));
          await this.signals.signal(vmSignal(vm.id));
          return { result: 'placed', nodeId };
        }
        if (outcome === 'vm_moved_on') return { result: 'skipped' };
        if (outcome === 'node_busy') sawBusy = true;
      }
      if (decision.ranked.length === 0) break;
      if (sawBusy && busyRetries < MAX_BUSY_RETRIES) {
        // Some ranked nodes were only busy (another placement held them for a moment): rank again, not a fresh round.
        busyRetries += 1;
        round -= 1;
        await pause(2 + Math.random() * 8);
      } else {
        // Every ranked node was taken by concurrent placements: decide again on fresh numbers.
        this.snapshot.invalidate();
      }
      const fresh = await this.vms.findById(vmId);
      if (!fresh || !AWAITING_PLACEMENT.includes(fresh.status as VmStatus)) return { result: 'skipped' };
      vm = fresh;
    }
    const explanation = { ...(decision as PlacementDecision).explanation, chosenNodeId: null };
    await this.markUnschedulable(vm, explanation, attempt);
    return { result: 'unschedulable', message: explanation.message };
  }

  /**
   * Queues waiting VMs for another attempt now: every unschedulable one when
   * nodes became eligible (`unschedulable: true`), and — as a safety net for
   * a placement job lost with a crashed worker — pending or rescheduling
   * VMs that have waited longer than `stuckAfterMs`.
   */
  async retryWaiting(options: { unschedulable: boolean; stuckAfterMs: number }, limit = 2_000): Promise<number> {
    const now = Date.now();
    const [stuck, unschedulable] = await Promise.all([
      this.vms.waitingForPlacement(['pending', 'rescheduling'], new Date(now - options.stuckAfterMs), limit),
      options.unschedulable ? this.vms.waitingForPlacement(['unschedulable'], new Date(now), limit) : Promise.resolve([]),
    ]);
    const waiting = [...stuck, ...unschedulable];
    if (waiting.length === 0) return 0;
    // Nodes may have become eligible: decide on fresh numbers. (A stuck job says nothing about the nodes.)
    if (options.unschedulable) this.snapshot.invalidate();
    // One job id per VM and sweep: a sweep that runs again while its jobs still wait adds nothing to the queue.
    const sweep = Math.floor(now / 10_000);
    // `attempt: 0`: a retry, which a round takes in any waiting status (and the back-off starts over).
    await this.tx.run((db) => this.jobs.enqueueMany(db, 'placement.place-vm', waiting.map(({ id }) => ({ payload: { vmId: id, attempt: 0 }, options: { jobId: `place-${id}-sweep-${sweep}` } }))));
    return waiting.length;
  }

  private async candidatesFor(request: PlacementRequest, accountId: string): Promise<readonly CandidateNode[]> {
    const nodes = await this.snapshot.current();
    if (!request.antiAffinityGroup) return nodes;
    const taken = new Set(await this.vms.nodesOfGroup(accountId, request.antiAffinityGroup));
    if (taken.size === 0) return nodes;
    const groups = [request.antiAffinityGroup];
    // A literal rather than a spread, so the copies keep the candidates' one shape (see `firstRejection`).
    return nodes.map((node) =>
      taken.has(node.id)
        ? { id: node.id, zone: node.zone, class: node.class, arch: node.arch, virtualization: node.virtualization, status: node.status, eligible: node.eligible, capacity: node.capacity, allocated: node.allocated, antiAffinityGroups: groups }
        : node,
    );
  }

  private async tryReserve(vm: VmWithPorts, nodeId: string, decision: PlacementDecision): Promise<'placed' | 'node_full' | 'node_busy' | 'vm_moved_on'> {
    const explanation = placedExplanation(nodeId, decision);
    try {
      return await this.tx.run(async (db) => {
        const generation = vm.generation + 1;
        const moved = await this.vms.changeStatus(
          vm,
          AWAITING_PLACEMENT,
          {
            status: 'scheduled',
            nodeId,
            statusReason: null,
            // A snapshot pin holds for the first placement only: the root disk then lives on the node, and a VM that later resurfaces elsewhere starts fresh from its image.
            extra: { reservedNodeId: nodeId, generation, placement: explanation as unknown as Prisma.InputJsonObject, placementAttempts: { increment: 1 }, pinnedNodeId: null, fromSnapshotId: null },
          },
          db,
          vm.version,
        );
        if (!moved) throw new VmMovedOn();
        await this.volumes.bindLocalVolumes(vm.id, nodeId, db);
        const volumes = (await this.volumes.attachedTo(vm.id, db)).map(volumeSpecOf);
        await this.issuer.issue(db, vm, nodeId, 'create-vm', generation, { start: vm.desiredStatus !== 'stopped', volumes });
        await this.vms.addEvent(
          { vmId: vm.id, accountId: vm.accountId, type: 'status_changed', reason: vm.status === 'rescheduling' ? 'rescheduled' : 'placed', message: explanation.message, actor: 'system:placement' },
          db,
        );
        await this.operations.markRunning(vm.id, ['vm.create', 'vm.start'], db);
        // Last, so that the node's row stays locked only until the commit: concurrent
        // placements (binpack sends them to the same node) queue on that lock.
        const reserved = await this.capacity.reserveUnlessBusy(nodeId, amountsOf(vm), db);
        if (reserved === 'busy') throw new NodeBusy();
        if (reserved === 'full') throw new NodeFull();
        return 'placed' as const;
      });
    } catch (error) {
      if (error instanceof NodeFull) return 'node_full';
      if (error instanceof NodeBusy) return 'node_busy';
      // The node's disk cannot also take the VM's unbound local volumes.
      if (error instanceof DomainError && error.code === 'volume.node_full') return 'node_full';
      if (error instanceof VmMovedOn) return 'vm_moved_on';
      // Another VM of the same anti-affinity group took this node first.
      if (isUniqueViolation(error)) return 'node_full';
      throw error;
    }
  }

  private async markUnschedulable(vm: VmWithPorts, explanation: PlacementDecision['explanation'], attempt: number): Promise<void> {
    const delayMs = retryDelayMs(attempt, this.config.compute.placementRetryInitialSeconds, this.config.compute.placementRetryMaxSeconds);
    await this.tx.run(async (db) => {
      const firstTime = vm.status !== 'unschedulable';
      const changed = await this.vms.changeStatus(
        vm,
        [vm.status as VmStatus],
        { status: 'unschedulable', statusReason: explanation.message, extra: { placement: explanation as unknown as Prisma.InputJsonObject, placementAttempts: { increment: 1 } } },
        db,
        vm.version,
      );
      if (!changed) return;
      if (firstTime) {
        await this.vms.addEvent({ vmId: vm.id, accountId: vm.accountId, type: 'status_changed', reason: 'unschedulable', message: explanation.message, actor: 'system:placement' }, db);
      }
      await this.operations.markRunning(vm.id, ['vm.create', 'vm.start'], db);
      await this.jobs.enqueue(db, 'placement.place-vm', { vmId: vm.id, attempt: attempt + 1 }, { jobId: `place-${vm.id}-retry-${attempt + 1}`, delayMs });
    });
    await this.signals.signal(vmSignal(vm.id));
    this.logger.debug(`VM ${vm.id} unschedulable: ${explanation.message}`);
  }
}

class VmMovedOn extends Error {}
class NodeFull extends Error {}
class NodeBusy extends Error {}

export function placementRequestOf(vm: Pick<VmWithPorts, 'vcpu' | 'memoryMib' | 'rootDiskGib' | 'gpuCount' | 'gpuModel' | 'zone' | 'arch' | 'antiAffinityGroup' | 'placementStrategy'>): PlacementRequest {
  return {
    vcpu: vm.vcpu,
    memoryMib: vm.memoryMib,
    diskGib: vm.rootDiskGib,
    ...(vm.gpuCount > 0 ? { gpus: { count: vm.gpuCount, ...(vm.gpuModel ? { model: vm.gpuModel } : {}) } } : {}),
    zone: vm.zone,
    arch: vm.arch,
    ...(vm.antiAffinityGroup ? { antiAffinityGroup: vm.antiAffinityGroup } : {}),
    strategy: vm.placementStrategy,
  };
}

function amountsOf(vm: VmWithPorts) {
  return { vcpu: vm.vcpu, memoryMib: vm.memoryMib, diskGib: vm.rootDiskGib };
}

/** Exponential back-off between retries of an unschedulable VM, capped. */
export function retryDelayMs(attempt: number, initialSeconds: number, maxSeconds: number): number {
  return Math.round(Math.min(maxSeconds, initialSeconds * 2 ** Math.min(attempt, 30)) * 1000);
}
