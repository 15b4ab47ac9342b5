import { Injectable } from '@nestjs/common';
import { MetricsService } from '@statemesh/observability';
import type { Counter, Histogram } from 'prom-client';

/** Why a create left the transaction it was batched into for one of its own. */
export type HandOnReason = 'lock-held' | 'failed-together';

/** Prometheus figures of VM creates accepted together (group commit). */
@Injectable()
export class VmAcceptanceMetrics {
  private readonly sizes: Histogram;
  private readonly handOns: Counter<'reason'>;

  constructor(metrics: MetricsService) {
    this.sizes = metrics.histogram({
      name: 'statemesh_vm_create_batch_size',
      help: 'Creates judged together by one accepting transaction.',
      buckets: [1, 2, 4, 8, 16, 32, 64],
    });
    this.handOns = metrics.counter({
      name: 'statemesh_vm_creates_handed_on_total',
      help: 'Creates taken out of a shared accepting transaction and accepted alone: a lock they need was held elsewhere, or the shared transaction failed.',
      labelNames: ['reason'],
    });
  }

  judgedTogether(count: number): void {
    this.sizes.observe(count);
  }

  handedOn(reason: HandOnReason, count: number): void {
    if (count > 0) this.handOns.inc({ reason }, count);
  }
}
