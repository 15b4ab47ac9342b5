import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { VmSelfHealing } from '@statemesh/compute';
import { AppConfig } from '@statemesh/config';
import { ProcessorRegistry, QueueRegistry } from '@statemesh/queue';
import { LedgerService } from '@statemesh/wallets';

export const RECONCILE_LEDGER_EVERY_MS = 15 * 60 * 1_000;

/**
 * Consistency work on a timer. The ledger check flags what it finds (an
 * error log line with the details) and never repairs it: a mismatch in
 * money needs a person. VM self-healing repairs what it can explain
 * (restarts, node loss, lost assignments, stale copies) and flags the rest;
 * every repair is guarded in the database, so overlapping runs on several
 * workers repair once.
 */
@Injectable()
export class ReconciliationProcessor implements OnApplicationBootstrap {
  constructor(
    private readonly processors: ProcessorRegistry,
    private readonly queues: QueueRegistry,
    private readonly ledger: LedgerService,
    private readonly healing: VmSelfHealing,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.processors.register(
      'reconciliation',
      {
        'reconciliation.reconcile-ledger': async () => {
          await this.ledger.reconcile();
        },
        'reconciliation.reconcile-vms': async () => {
          await this.healing.run();
        },
      },
      { concurrency: 2 },
    );
    await this.queues.upsertRepeatingJob('reconciliation.reconcile-ledger', {}, RECONCILE_LEDGER_EVERY_MS);
    await this.queues.upsertRepeatingJob('reconciliation.reconcile-vms', {}, Math.round(this.config.compute.reconcileIntervalSeconds * 1000));
  }
}
