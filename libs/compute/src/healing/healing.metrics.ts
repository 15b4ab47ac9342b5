import { Injectable } from '@nestjs/common';
import { MetricsService } from '@statemesh/observability';
import type { Counter } from 'prom-client';

/** The automatic actions that appear as VM events, by reason. */
export type HealingAction =
  | 'node_lost'
  | 'node_draining'
  | 'rescheduled'
  | 'restart_scheduled'
  | 'restarted_after_failure'
  | 'crash_loop'
  | 'health_check_failed'
  | 'health_check_passed'
  | 'scheduled_reset'
  | 'scheduled_restart'
  | 'recreated'
  | 'deletion_finished'
  | 'stale_copy_deleted'
  | 'local_volume_lost';

/** Prometheus counters of self-healing: what it did, and what it could not explain. */
@Injectable()
export class HealingMetrics {
  private readonly actions: Counter<'action'>;
  private readonly flags: Counter<'reason'>;

  constructor(metrics: MetricsService) {
    this.actions = metrics.counter({ name: 'statemesh_vm_healing_actions_total', help: 'Automatic actions taken on VMs (reschedules, restarts, health, schedules), by reason.', labelNames: ['action'] });
    this.flags = metrics.counter({ name: 'statemesh_vm_reconcile_flags_total', help: 'Differences between the platform and node reports that reconciliation could not explain and left alone.', labelNames: ['reason'] });
  }

  acted(action: HealingAction, count = 1): void {
    if (count > 0) this.actions.inc({ action }, count);
  }

  flagged(reason: string): void {
    this.flags.inc({ reason });
  }
}
