import { Injectable } from '@nestjs/common';
import type { AgentVmState, AssignmentAction } from '@statemesh/agent-protocol';
import { AppConfig } from '@statemesh/config';
import { DomainError, newId } from '@statemesh/common';
import { TransactionRunner, type Db, type Operation, type Prisma } from '@statemesh/database';
import { NodeCapacityRepository } from '@statemesh/nodes';
import { JobEnqueuer } from '@statemesh/queue';
import { SignalBus } from '@statemesh/redis';
import { AssignmentIssuer, vmSignal } from '../assignments/assignment-issuer';
import { AssignmentRepository } from '../assignments/assignment.repository';
import { decideRestart, failureCountAfterFailure, restartDelayMs, type RestartBackoffPolicy } from '../healing/restart-backoff';
import { transition } from '../lifecycle/vm-state-machine';
import type { VmLifecycleEvent, VmStatus, VmUserAction } from '../lifecycle/vm-lifecycle.types';
import { OperationRepository, type VmOperationType } from '../operations/operation.repository';
import { VmRepository, type VmStatusUpdate, type VmWithPorts } from './vm.repository';
import { VmsErrors } from './vms.errors';

/** Operations that end when the VM runs, and those that end when it has stopped. */
const ENDS_RUNNING: readonly VmOperationType[] = ['vm.create', 'vm.start', 'vm.restart', 'vm.reset'];
const ENDS_STOPPED: readonly VmOperationType[] = ['vm.stop', 'vm.reset'];
const REPORT_EVENTS: Record<AgentVmState, VmLifecycleEvent> = {
  provisioning: 'reportedProvisioning',
  running: 'reportedRunning',
  stopped: 'reportedStopped',
  failed: 'reportedFailed',
};
const ACTION_ASSIGNMENTS: Partial<Record<VmUserAction, AssignmentAction>> = {
  start: 'start-vm',
  stop: 'stop-vm',
  restart: 'restart-vm',
  reset: 'reset-vm',
  delete: 'delete-vm',
};

export interface ActionResult {
  vm: VmWithPorts;
  operation: Operation;
}

/**
 * The VM lifecycle with its side effects: user actions, node agent reports
 * and acknowledgements, run strategies, and the end of deletion. The pure
 * state machine decides what may happen; this service makes it happen
 * atomically (status, history, event, operation, assignment or placement
 * job in one transaction), with the VM's status as the guard, so concurrent
 * requests and repeated reports never apply twice.
 */
@Injectable()
export class VmLifecycleService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly vms: VmRepository,
    private readonly operations: OperationRepository,
    private readonly issuer: AssignmentIssuer,
    private readonly assignments: AssignmentRepository,
    private readonly capacity: NodeCapacityRepository,
    private readonly jobs: JobEnqueuer,
    private readonly signals: SignalBus,
    private readonly config: AppConfig,
  ) {}

  /** start, stop, restart, reset or delete, as a user asked. 409 when the status does not allow it. */
  async act(vm: VmWithPorts, action: VmUserAction, actor: string): Promise<ActionResult> {
    const hasNode = vm.reservedNodeId !== null;
    const verdict = transition(vm.status as VmStatus, action, { mode: vm.mode, hasNode });
    if (!verdict.allowed) {
      throw new DomainError(VmsErrors[verdict.code], verdict.reason, { currentStatus: verdict.current });
    }
    const next = verdict.next;
    const operation = await this.tx.run(async (db) => {
      const desiredStatus = action === 'stop' ? 'stopped' : action === 'delete' ? 'deleted' : action === 'reset' ? vm.desiredStatus : 'running';
      const changed = await this.vms.changeStatus(
        vm,
        [vm.status as VmStatus],
        { status: next, statusReason: null, extra: { desiredStatus, restartAt: null, ...(action === 'start' ? { failureCount: 0 } : {}) } },
        db,
        vm.version,
      );
      if (!changed) throw this.raced(vm);
      await this.vms.addEvent({ vmId: vm.id, accountId: vm.accountId, type: 'action', reason: action, message: `${capitalize(action)} requested.`, actor }, db);
      const operation = await this.operations.create({ id: newId(), accountId: vm.accountId, type: `vm.${action}`, targetId: vm.id }, db);
      if (action === 'delete') {
        await this.assignments.supersedeOpen(vm.id, db);
        await this.operations.complete(vm.id, ['vm.create', 'vm.start', 'vm.stop', 'vm.restart', 'vm.reset'], { error: supersededProblem(vm.id) }, db);
        if (vm.reservedNodeId === null || vm.nodeId === null) {
          await this.finishDeletion({ ...vm, status: next, version: vm.version + 1 }, db, 'system:api');
        } else {
          await this.issuer.issue(db, vm, vm.nodeId, 'delete-vm', vm.generation);
          await this.operations.markRunning(vm.id, ['vm.delete'], db);
        }
      } else if (next === 'pending') {
        // At rest without a node (its node was lost, or it never had one): back through placement.
        await this.jobs.enqueue(db, 'placement.place-vm', { vmId: vm.id });
      } else {
        const assignment = ACTION_ASSIGNMENTS[action];
        if (assignment && vm.nodeId) {
          await this.issuer.issue(db, vm, vm.nodeId, assignment, vm.generation);
        }
      }
      // Read in the transaction: it sees what the action did to its own operation (a delete's is running or done).
      return (await this.operations.findInAccount(vm.accountId, operation.id, db)) ?? operation;
    });
    await this.wakeWaiters(vm.id);
    const after = await this.vms.findById(vm.id);
    return { vm: after ?? vm, operation };
  }

  /**
   * A node agent's report of a VM's state. Reports are observations, resent
   * at will: one the state machine calls stale (the platform has moved on)
   * is accepted and ignored. Run strategies act here: a VM that fails, or
   * stops by itself while it should run, is started again when its strategy
   * says so, until it fails CRASH_LOOP_THRESHOLD times in a row.
   */
  async report(vm: VmWithPorts, state: AgentVmState, message: string | undefined, actor: string): Promise<{ applied: boolean; status: VmStatus }> {
    // Reports race each other (an agent sends provisioning and running back to back) and user actions:
    // a report that lost the race is judged again against the VM as it is now, never dropped.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.applyReport(vm, state, message, actor);
      } catch (error) {
        if (!(error instanceof ReportRaced) || attempt >= 5) throw error;
        const fresh = await this.vms.findById(vm.id);
        if (!fresh || fresh.nodeId !== vm.nodeId) return { applied: false, status: (fresh?.status ?? vm.status) as VmStatus };
        vm = fresh;
      }
    }
  }

  private async applyReport(vm: VmWithPorts, state: AgentVmState, message: string | undefined, actor: string): Promise<{ applied: boolean; status: VmStatus }> {
    const current = vm.status as VmStatus;
    // A restart stops the VM on its way: that stop is part of the restart, not news.
    if (current === 'restarting' && state === 'stopped') return { applied: false, status: current };
    const event = REPORT_EVENTS[state];
    const verdict = transition(current, event, { mode: vm.mode, hasNode: vm.reservedNodeId !== null });
    if (!verdict.allowed || (verdict.next === current && state !== 'failed')) return { applied: false, status: current };
    const status = await this.tx.run(async (db) => {
      const failed = state === 'failed';
      const stoppedByItself = state === 'stopped' && current !== 'stopping' && vm.desiredStatus === 'running' && current !== 'provisioning';
      const restartable =
        vm.nodeId !== null &&
        vm.desiredStatus === 'running' &&
        ((failed && (vm.runStrategy === 'always' || vm.runStrategy === 'rerunOnFailure')) || (stoppedByItself && vm.runStrategy === 'always'));
      const policy = restartPolicyOf(this.config);
      const failureCount = failed ? failureCountAfterFailure(vm.failureCount, current === 'running' ? vm.statusChangedAt.getTime() : null, Date.now(), policy) : vm.failureCount;
      // A VM with a health check is not routed again until its agent reports it healthy.
      const unhealthy = vm.healthCheck !== null && state !== 'running' ? { healthy: false } : {};
      const update: VmStatusUpdate = {
        status: verdict.next,
        statusReason: failed ? (message ?? 'The node reported a failure.') : null,
        extra: { failureCount, restartAt: null, ...unhealthy },
      };
      if (!(await this.vms.changeStatus(vm, [current], update, db, vm.version))) throw new ReportRaced();
      await this.vms.addEvent(
        { vmId: vm.id, accountId: vm.accountId, type: 'status_changed', reason: `reported_${state}`, message: reportMessage(state, message), actor },
        db,
      );
      if (state === 'running') await this.operations.complete(vm.id, ENDS_RUNNING, {}, db);
      if (state === 'stopped' && (current === 'stopping' || vm.desiredStatus === 'stopped')) await this.operations.complete(vm.id, ENDS_STOPPED, {}, db);
      if (!restartable) {
        if (failed || state === 'stopped') {
          await this.operations.complete(vm.id, ENDS_RUNNING, { error: failedProblem(vm.id, message ?? `The VM ${state === 'failed' ? 'failed' : 'stopped'}.`) }, db);
        }
        return verdict.next;
      }
      const after = { ...vm, status: verdict.next, version: vm.version + 1, failureCount };
      const decision = decideRestart(Math.max(failureCount, 1), policy);
      if (failed && decision.kind === 'crash-loop') {
        await this.vms.changeStatus(after, [verdict.next], { status: 'crashLoop', statusReason: `Failed ${failureCount} times in a row; not restarted automatically until started again.` }, db);
        await this.vms.addEvent({ vmId: vm.id, accountId: vm.accountId, type: 'status_changed', reason: 'crash_loop', message: `The VM failed ${failureCount} times in a row.`, actor: 'system:lifecycle' }, db);
        await this.operations.complete(vm.id, ENDS_RUNNING, { error: failedProblem(vm.id, 'The VM keeps failing (crashLoop).') }, db);
        return 'crashLoop';
      }
      // Back-off: the restart itself is made by the worker once restartAt is due (VmRestartsService).
      const delayMs = decision.kind === 'restart' ? decision.delayMs : restartDelayMs(1, policy);
      const restartAt = new Date(Date.now() + delayMs);
      await this.vms.updateAttributes(vm.id, after.version, { restartAt }, db);
      await this.vms.addEvent(
        {
          vmId: vm.id,
          accountId: vm.accountId,
          type: 'status_changed',
          reason: 'restart_scheduled',
          message: `Starting again in ${(delayMs / 1000).toFixed(1)} s (run strategy ${vm.runStrategy}${failed ? `, failure ${failureCount} in a row` : ''}).`,
          actor: 'system:lifecycle',
        },
        db,
      );
      return verdict.next;
    });
    await this.wakeWaiters(vm.id);
    return { applied: status !== current, status };
  }

  /**
   * The account could not pay past its grace period: every VM of the
   * account that is not already at rest is stopped and marked `suspended`
   * (its data and node are kept; nothing is deleted). The user starts them
   * again after funding the wallet. Safe to repeat.
   */
  async suspendForWallet(accountId: string): Promise<number> {
    let suspended = 0;
    for (const vm of await this.vms.suspendable(accountId)) {
      const verdict = transition(vm.status as VmStatus, 'walletSuspended', { mode: vm.mode, hasNode: vm.reservedNodeId !== null });
      if (!verdict.allowed || verdict.next === vm.status) continue;
      const changed = await this.tx.run(async (db) => {
        const moved = await this.vms.changeStatus(vm, [vm.status as VmStatus], { status: 'suspended', statusReason: 'The wallet could not pay past its grace period; fund it and start the VM.', extra: { desiredStatus: 'stopped' } }, db, vm.version);
        if (!moved) return false;
        await this.assignments.supersedeOpen(vm.id, db);
        await this.vms.addEvent({ vmId: vm.id, accountId, type: 'status_changed', reason: 'wallet_suspended', message: 'Suspended: the wallet could not pay past its grace period. Data is kept.', actor: 'system:settlement' }, db);
        await this.operations.complete(vm.id, ENDS_RUNNING, { error: failedProblem(vm.id, 'The VM was suspended because the wallet ran dry.') }, db);
        if (vm.nodeId && ['scheduled', 'provisioning', 'running', 'starting', 'restarting', 'crashLoop'].includes(vm.status)) {
          await this.issuer.issue(db, vm, vm.nodeId, 'stop-vm', vm.generation);
        }
        return true;
      });
      if (changed) {
        suspended += 1;
        await this.wakeWaiters(vm.id);
      }
    }
    return suspended;
  }

  /** A delete-vm assignment was carried out by the node: the VM is gone, its capacity and ports go back. */
  async deletedOnNode(vmId: string, actor: string): Promise<void> {
    await this.tx.run(async (db) => {
      const vm = await this.vms.findById(vmId, db);
      if (vm && vm.status === 'deleting') await this.finishDeletion(vm, db, actor);
    });
    await this.wakeWaiters(vmId);
  }

  /**
   * The end of a VM: status `deleted`, its name free again, its capacity
   * released (exactly once: only the transaction that clears the
   * reservation gives it back) and its entrypoints and public ports freed.
   */
  async finishDeletion(vm: VmWithPorts, db: Db, actor: string): Promise<void> {
    const changed = await this.vms.changeStatus(vm, ['deleting'], { status: 'deleted', nodeId: null, extra: { liveName: null, deletedAt: new Date() } }, db);
    if (!changed) return;
    if (vm.reservedNodeId && (await this.vms.clearReservation(vm.id, vm.reservedNodeId, db))) {
      await this.capacity.release(vm.reservedNodeId, { vcpu: vm.vcpu, memoryMib: vm.memoryMib, diskGib: vm.rootDiskGib }, db);
    }
    await this.vms.deletePorts(vm.id, db);
    await this.operations.complete(vm.id, ['vm.delete'], {}, db);
    await this.vms.addEvent({ vmId: vm.id, accountId: vm.accountId, type: 'status_changed', reason: 'deleted', message: 'The VM was deleted.', actor }, db);
  }

  /** Wakes whoever waits on the VM (`GET .../wait`). Nodes need no signal: an assignment's own NOTIFY wakes its node's long-poll. */
  async wakeWaiters(vmId: string): Promise<void> {
    await this.signals.signal(vmSignal(vmId));
  }

  private raced(vm: VmWithPorts): DomainError {
    return new DomainError(VmsErrors['vm.invalid_transition'], 'The VM changed while the request was handled; read it again and retry.', { currentStatus: vm.status });
  }
}

class ReportRaced extends Error {}

export function restartPolicyOf(config: AppConfig): RestartBackoffPolicy {
  return {
    initialSeconds: config.compute.restartBackoffInitialSeconds,
    maxSeconds: config.compute.restartBackoffMaxSeconds,
    resetAfterSeconds: config.compute.crashLoopResetSeconds,
    crashLoopThreshold: config.compute.crashLoopThreshold,
  };
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function reportMessage(state: AgentVmState, message: string | undefined): string {
  const base = { provisioning: 'The node is provisioning the VM.', running: 'The VM is running.', stopped: 'The VM stopped.', failed: 'The VM failed.' }[state];
  return message ? `${base} ${message}` : base;
}

function failedProblem(vmId: string, detail: string): Prisma.InputJsonObject {
  return { type: 'https://statemesh.net/problems/vm.failed', title: 'The VM failed', status: 409, detail, code: 'vm.failed', instance: `vm:${vmId}` };
}

function supersededProblem(vmId: string): Prisma.InputJsonObject {
  return { type: 'https://statemesh.net/problems/vm.deleted', title: 'The VM was deleted', status: 409, detail: 'The VM was deleted before the operation finished.', code: 'vm.deleted', instance: `vm:${vmId}` };
}
