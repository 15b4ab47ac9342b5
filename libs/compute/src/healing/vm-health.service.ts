import { Injectable } from '@nestjs/common';
import { AppConfig } from '@statemesh/config';
import { TransactionRunner } from '@statemesh/database';
import { SignalBus } from '@statemesh/redis';
import { AssignmentIssuer, vmSignal } from '../assignments/assignment-issuer';
import { restartPolicyOf } from '../vms/vm-lifecycle.service';
import { VmRepository, type VmWithPorts } from '../vms/vm.repository';
import { HealingMetrics } from './healing.metrics';
import { failureCountAfterFailure } from './restart-backoff';
import { VmHealingRepository } from './vm-healing.repository';

/**
 * Health-check results from node agents. A VM with a health check is routed
 * by gateways only while it is healthy (and not before its first passing
 * check). An unhealthy running VM is restarted when its run strategy
 * restarts failures (`always`, `rerunOnFailure`); each such restart counts
 * as a failure, so a VM that never gets healthy ends in `crashLoop`.
 */
@Injectable()
export class VmHealthService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly vms: VmRepository,
    private readonly healing: VmHealingRepository,
    private readonly issuer: AssignmentIssuer,
    private readonly signals: SignalBus,
    private readonly metrics: HealingMetrics,
    private readonly config: AppConfig,
  ) {}

  async report(vm: VmWithPorts, healthy: boolean, message: string | undefined, actor: string): Promise<void> {
    if (vm.healthCheck === null) return;
    if (healthy) {
      if (await this.healing.setHealthy(vm.id, true)) {
        await this.vms.addEvent({ vmId: vm.id, accountId: vm.accountId, type: 'health', reason: 'health_check_passed', message: 'The health check passes; entrypoints are routed.', actor });
        this.metrics.acted('health_check_passed');
        await this.signals.signal(vmSignal(vm.id));
      }
      return;
    }
    await this.tx.run(async (db) => {
      await this.healing.lockVm(vm.id, db);
      const fresh = await this.vms.findById(vm.id, db);
      if (!fresh || fresh.status !== 'running') {
        await this.healing.setHealthy(vm.id, false, db);
        return;
      }
      const restart = fresh.desiredStatus === 'running' && fresh.nodeId !== null && (fresh.runStrategy === 'always' || fresh.runStrategy === 'rerunOnFailure');
      const policy = restartPolicyOf(this.config);
      const failureCount = restart ? failureCountAfterFailure(fresh.failureCount, fresh.statusChangedAt.getTime(), Date.now(), policy) : fresh.failureCount;
      const detail = message ? ` (${message})` : '';
      if (!restart) {
        await this.healing.setHealthy(vm.id, false, db);
        await this.vms.addEvent({ vmId: vm.id, accountId: vm.accountId, type: 'health', reason: 'health_check_failed', message: `The health check fails${detail}; entrypoints are withdrawn until it passes.`, actor }, db);
        return;
      }
      const crashLoop = failureCount >= policy.crashLoopThreshold;
      const changed = await this.vms.changeStatus(
        fresh,
        ['running'],
        crashLoop
          ? { status: 'crashLoop', statusReason: `Unhealthy ${failureCount} times in a row; not restarted automatically until started again.`, extra: { healthy: false, failureCount } }
          : { status: 'restarting', statusReason: `Restarted: the health check failed${detail}.`, extra: { healthy: false, failureCount } },
        db,
        fresh.version,
      );
      if (!changed) return;
      await this.vms.addEvent(
        {
          vmId: vm.id,
          accountId: vm.accountId,
          type: 'health',
          reason: 'health_check_failed',
          message: crashLoop ? `The health check fails${detail}; unhealthy ${failureCount} times in a row (crashLoop).` : `The health check fails${detail}; entrypoints withdrawn, restarting (failure ${failureCount} in a row).`,
          actor,
        },
        db,
      );
      if (crashLoop) return;
      await this.issuer.issue(db, fresh, fresh.nodeId as string, 'restart-vm', fresh.generation);
    });
    this.metrics.acted('health_check_failed');
    await this.signals.signal(vmSignal(vm.id));
  }
}
