import { Injectable, Logger } from '@nestjs/common';
import { AGENT_VM_STATES, type AgentVmState } from '@statemesh/agent-protocol';
import { AppConfig } from '@statemesh/config';
import { TransactionRunner } from '@statemesh/database';
import { VolumeAttachmentService } from '@statemesh/storage';
import { SignalBus } from '@statemesh/redis';
import { AssignmentIssuer, vmSignal } from '../assignments/assignment-issuer';
import { VmLifecycleService } from '../vms/vm-lifecycle.service';
import { volumeSpecOf } from '../volumes-bridge/vm-volume-delivery';
import { VmRepository } from '../vms/vm.repository';
import { HealingMetrics } from './healing.metrics';
import { reconcileNode, type ElsewhereVm, type ObservedVm, type ReconcileAction } from './reconcile-rules';
import { VmHealingRepository, type PlacedVmRow, type ReportingNode } from './vm-healing.repository';

/**
 * Reporting nodes reconciled together: one read of the VMs placed on them and
 * at most one of the VMs they report from elsewhere, whatever their number.
 */
export const RECONCILE_NODES_PER_CHUNK = 500;

/**
 * A heartbeat stamps its time (the clock of the API host that took it)
 * before it commits, and another API host's clock may run a little behind:
 * reports stamped up to this long before the newest report a pass read are
 * read again by the next pass.
 */
export const REPORT_LATENESS_MS = 10_000;

export interface ReconcileSummary {
  nodes: number;
  actions: number;
  flagged: number;
}

/**
 * Compares what the platform placed on each reporting node with what the
 * node's last heartbeat says it holds (`reconcileNode`, pure) and repairs
 * the difference: lost create-vm assignments are made again, deletions
 * whose acknowledgement was lost are finished (capacity released), copies
 * of VMs that live elsewhere now (or were deleted) are destroyed by their
 * node. Whatever it cannot explain — a VM the platform never heard of, a
 * copy newer than the platform's placement — is flagged with an event (when
 * there is a VM to attach it to), a log line and a Prometheus counter, and
 * left alone.
 *
 * Every repair runs under a per-VM advisory lock and re-checks its
 * premise inside the transaction, so overlapping passes (several workers)
 * repair once.
 */
@Injectable()
export class VmReconcilerService {
  private readonly logger = new Logger(VmReconcilerService.name);
  /** The stamp of the newest report this process's passes have read; undefined before the first read one. */
  private newestReportRead: number | undefined;

  constructor(
    private readonly tx: TransactionRunner,
    private readonly vms: VmRepository,
    private readonly healing: VmHealingRepository,
    private readonly issuer: AssignmentIssuer,
    private readonly lifecycle: VmLifecycleService,
    private readonly volumes: VolumeAttachmentService,
    private readonly signals: SignalBus,
    private readonly metrics: HealingMetrics,
    private readonly config: AppConfig,
  ) {}

  /** Heartbeats older than this are not trusted to say what a node holds. */
  private get freshMs(): number {
    return this.config.nodes.unreachableAfterSeconds * 1000;
  }

  /** How old a VM's status must be before its absence from a heartbeat counts. */
  private get settleMs(): number {
    return this.config.nodes.unreachableAfterSeconds * 500 + 2_000;
  }

  /**
   * Reconciles the nodes whose report is new since this process's previous
   * passes (every fresh one until a report was read). The bound is the
   * newest report read so far, minus REPORT_LATENESS_MS: stamps compared
   * with stamps, so this worker's clock does not matter. A pass therefore
   * costs in proportion to the reports that came in, not to the fleet and
   * its VMs. Every rule weighs the VMs against the report's own time; a
   * repair that was not due when a report was read (an assignment still in
   * flight, a status too recent) or that failed is made on the node's next
   * heartbeat.
   */
  async reconcile(now: Date = new Date()): Promise<ReconcileSummary> {
    const summary: ReconcileSummary = { nodes: 0, actions: 0, flagged: 0 };
    const freshSince = now.getTime() - this.freshMs;
    const since = this.newestReportRead === undefined ? freshSince : Math.max(freshSince, this.newestReportRead - REPORT_LATENESS_MS);
    const nodes = await this.healing.reportingNodes(new Date(since));
    for (let start = 0; start < nodes.length; start += RECONCILE_NODES_PER_CHUNK) {
      for (const { node, actions } of await this.decide(nodes.slice(start, start + RECONCILE_NODES_PER_CHUNK))) {
        summary.nodes += 1;
        for (const action of actions) {
          try {
            if (action.kind === 'flag-unknown') {
              summary.flagged += 1;
              await this.flag(node.id, action.vmId, action.reason);
            } else if (await this.apply(node.id, action)) {
              summary.actions += 1;
            }
          } catch (error) {
            this.logger.error(`node ${node.id}, VM ${action.vmId}, ${action.kind}: ${(error as Error).message}`);
          }
        }
      }
    }
    for (const node of nodes) this.newestReportRead = Math.max(this.newestReportRead ?? 0, node.lastSeenAt.getTime());
    return summary;
  }

  /** The repairs of each node of a chunk: two reads for the whole chunk, then the pure rules node by node. */
  private async decide(nodes: readonly ReportingNode[]): Promise<Array<{ node: ReportingNode; actions: ReconcileAction[] }>> {
    const placedOn = new Map<string, PlacedVmRow[]>(nodes.map((node) => [node.id, []]));
    for (const vm of await this.healing.placedOnNodes(nodes.map((node) => node.id))) placedOn.get(vm.nodeId)?.push(vm);

    const observedOn = new Map(nodes.map((node) => [node.id, observedVms(node.reportedVms)]));
    const reports: Array<{ nodeId: string; vmId: string }> = [];
    for (const node of nodes) {
      const placedIds = new Set(placedOn.get(node.id)!.map((vm) => vm.id));
      const others = new Set(observedOn.get(node.id)!.filter((vm) => !placedIds.has(vm.id)).map((vm) => vm.id));
      for (const vmId of others) reports.push({ nodeId: node.id, vmId });
    }
    const elsewhereOf = new Map<string, Map<string, ElsewhereVm>>(nodes.map((node) => [node.id, new Map()]));
    for (const { reportedBy, ...vm } of await this.healing.knownElsewhere(reports)) elsewhereOf.get(reportedBy)?.set(vm.id, vm);

    return nodes.map((node) => ({
      node,
      actions: reconcileNode(
        {
          nodeId: node.id,
          observedAt: node.lastSeenAt,
          placed: placedOn.get(node.id)!.map((vm) => ({ id: vm.id, status: vm.status, generation: vm.generation, statusChangedAt: vm.statusChangedAt, hasOpenAssignment: vm.openAssignments > 0 })),
          observed: observedOn.get(node.id)!,
          elsewhere: elsewhereOf.get(node.id)!,
        },
        this.settleMs,
      ),
    }));
  }

  private async apply(nodeId: string, action: Exclude<ReconcileAction, { kind: 'flag-unknown' }>): Promise<boolean> {
    if (action.kind === 'finish-deletion') {
      const done = await this.tx.run(async (db) => {
        await this.healing.lockVm(action.vmId, db);
        const vm = await this.vms.findById(action.vmId, db);
        if (!vm || vm.status !== 'deleting' || vm.nodeId !== nodeId || (await this.healing.hasOpenAssignment(vm.id, nodeId, db))) return false;
        await this.lifecycle.finishDeletion(vm, db, 'system:reconciler');
        return true;
      });
      if (done) {
        this.metrics.acted('deletion_finished');
        await this.signals.signal(vmSignal(action.vmId));
      }
      return done;
    }
    const issued = await this.tx.run(async (db) => {
      await this.healing.lockVm(action.vmId, db);
      const vm = await this.vms.findById(action.vmId, db);
      if (!vm) return false;
      if (action.kind === 'recreate') {
        if (vm.nodeId !== nodeId || (await this.healing.hasOpenAssignment(vm.id, nodeId, db))) return false;
        const volumes = (await this.volumes.attachedTo(vm.id, db)).map(volumeSpecOf);
        await this.issuer.issue(db, vm, nodeId, 'create-vm', vm.generation, { start: vm.desiredStatus === 'running' && vm.status !== 'stopped', volumes });
        await this.vms.addEvent({ vmId: vm.id, accountId: vm.accountId, type: 'reconciled', reason: 'recreated', message: `Created again on node ${nodeId}: ${action.reason}.`, actor: 'system:reconciler' }, db);
        this.metrics.acted('recreated');
        return true;
      }
      if (await this.healing.hasOpenDelete(vm.id, nodeId, db)) return false;
      await this.issuer.issue(db, vm, nodeId, 'delete-vm', vm.generation);
      await this.vms.addEvent({ vmId: vm.id, accountId: vm.accountId, type: 'reconciled', reason: 'stale_copy_deleted', message: `Node ${nodeId} still held a copy (${action.reason}); it was told to destroy it.`, actor: 'system:reconciler' }, db);
      this.metrics.acted('stale_copy_deleted');
      return true;
    });
    if (issued) await this.signals.signal(vmSignal(action.vmId));
    return issued;
  }

  private async flag(nodeId: string, vmId: string, reason: string): Promise<void> {
    this.metrics.flagged(reason.startsWith('the platform has no such VM') ? 'unknown_vm' : 'newer_generation');
    this.logger.warn(`node ${nodeId} reports VM ${vmId}, left alone: ${reason}`);
    const vm = await this.vms.findById(vmId);
    if (!vm) return;
    // One event per distinct finding, not one per pass.
    const message = `Node ${nodeId} reports a copy the platform cannot explain (${reason}); left alone for an operator.`;
    const last = await this.vms.lastEvent(vm.id, 'reconcile_mismatch');
    if (last?.message !== message) await this.vms.addEvent({ vmId: vm.id, accountId: vm.accountId, type: 'reconciled', reason: 'reconcile_mismatch', message, actor: 'system:reconciler' });
  }
}

function observedVms(reported: unknown): ObservedVm[] {
  if (!Array.isArray(reported)) return [];
  const vms: ObservedVm[] = [];
  for (const entry of reported as Array<Record<string, unknown>>) {
    if (typeof entry?.id !== 'string' || !(AGENT_VM_STATES as readonly string[]).includes(entry.state as string)) continue;
    vms.push({ id: entry.id, state: entry.state as AgentVmState, ...(typeof entry.generation === 'number' ? { generation: entry.generation } : {}) });
  }
  return vms;
}
