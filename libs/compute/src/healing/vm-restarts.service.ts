import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '@statemesh/database';
import { SignalBus } from '@statemesh/redis';
import { AssignmentIssuer, vmSignal } from '../assignments/assignment-issuer';
import { transition } from '../lifecycle/vm-state-machine';
import type { VmStatus } from '../lifecycle/vm-lifecycle.types';
import { OperationRepository } from '../operations/operation.repository';
import { VmRepository } from '../vms/vm.repository';
import { HealingMetrics } from './healing.metrics';
import { VmHealingRepository } from './vm-healing.repository';

/**
 * Run-strategy restarts whose back-off has elapsed. The report that saw the
 * failure set `restartAt`; this starts the VM once it is due. The status
 * and version guard the change, so any number of workers start it once.
 */
@Injectable()
export class VmRestartsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly vms: VmRepository,
    private readonly healing: VmHealingRepository,
    private readonly operations: OperationRepository,
    private readonly issuer: AssignmentIssuer,
    private readonly signals: SignalBus,
    private readonly metrics: HealingMetrics,
  ) {}

  async restartDue(now: Date = new Date()): Promise<number> {
    let restarted = 0;
    for (const { id } of await this.healing.dueRestarts(now)) {
      if (await this.restart(id, now)) restarted += 1;
    }
    return restarted;
  }

  private async restart(vmId: string, now: Date): Promise<boolean> {
    const vm = await this.vms.findById(vmId);
    if (!vm || !vm.restartAt || vm.restartAt > now || vm.nodeId === null) return false;
    const current = vm.status as VmStatus;
    const verdict = transition(current, 'start', { mode: vm.mode, hasNode: true });
    if (!verdict.allowed || vm.desiredStatus !== 'running') {
      await this.vms.updateAttributes(vm.id, vm.version, { restartAt: null });
      return false;
    }
    const failed = current === 'failed';
    const moved = await this.tx.run(async (db) => {
      const changed = await this.vms.changeStatus(vm, [current], { status: verdict.next, extra: { restartAt: null } }, db, vm.version);
      if (!changed) return false;
      await this.vms.addEvent(
        {
          vmId: vm.id,
          accountId: vm.accountId,
          type: 'status_changed',
          reason: failed ? 'restarted_after_failure' : 'restarted',
          message: failed ? `Started again after failure ${vm.failureCount} in a row (run strategy ${vm.runStrategy}).` : `Started again (run strategy ${vm.runStrategy}).`,
          actor: 'system:lifecycle',
        },
        db,
      );
      await this.issuer.issue(db, vm, vm.nodeId as string, 'start-vm', vm.generation);
      await this.operations.markRunning(vm.id, ['vm.create', 'vm.start', 'vm.restart'], db);
      return true;
    });
    if (!moved) return false;
    this.metrics.acted('restarted_after_failure');
    await this.signals.signal(vmSignal(vm.id));
    return true;
  }
}
