import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '@statemesh/common';
import { VmLifecycleService } from '../vms/vm-lifecycle.service';
import { VmRepository } from '../vms/vm.repository';
import { HealingMetrics } from './healing.metrics';
import { nextScheduledRun, type RestartSchedule } from './restart-schedule';
import { VmHealingRepository } from './vm-healing.repository';

/**
 * Restart schedules: a due run is claimed by moving `nextScheduledRestartAt`
 * on with a conditional update (exactly one worker wins it), then the VM is
 * restarted — a transient VM is reset, which discards its root-disk changes;
 * a persistent one restarts with its disk. A VM that is not running when its
 * run comes is left as it is; the schedule simply moves on.
 */
@Injectable()
export class RestartSchedulesService {
  private readonly logger = new Logger(RestartSchedulesService.name);

  constructor(
    private readonly vms: VmRepository,
    private readonly healing: VmHealingRepository,
    private readonly lifecycle: VmLifecycleService,
    private readonly metrics: HealingMetrics,
  ) {}

  async runDue(now: Date = new Date()): Promise<number> {
    let ran = 0;
    for (const due of await this.healing.dueSchedules(now)) {
      const vm = await this.vms.findById(due.id);
      if (!vm || !due.nextScheduledRestartAt) continue;
      const schedule = vm.restartSchedule as RestartSchedule | null;
      const next = schedule ? nextScheduledRun(schedule, now) : null;
      if (!(await this.healing.claimScheduledRun(vm.id, due.nextScheduledRestartAt, next))) continue;
      if (vm.status !== 'running') continue;
      const transient = vm.mode === 'transient';
      try {
        await this.lifecycle.act(vm, transient ? 'reset' : 'restart', 'system:schedule');
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        this.logger.debug(`VM ${vm.id}: scheduled ${transient ? 'reset' : 'restart'} skipped: ${error.detail}`);
        continue;
      }
      const reason = transient ? 'scheduled_reset' : 'scheduled_restart';
      await this.vms.addEvent({
        vmId: vm.id,
        accountId: vm.accountId,
        type: 'status_changed',
        reason,
        message: `${transient ? 'Reset (root-disk changes discarded)' : 'Restarted'} on schedule ${schedule?.cron} (${schedule?.timeZone}).`,
        actor: 'system:schedule',
      });
      this.metrics.acted(reason);
      ran += 1;
    }
    return ran;
  }
}

/** The first run of a schedule set now (on create or PATCH). */
export function firstScheduledRun(schedule: RestartSchedule | null | undefined, now: Date = new Date()): Date | null {
  return schedule ? nextScheduledRun(schedule, now) : null;
}
