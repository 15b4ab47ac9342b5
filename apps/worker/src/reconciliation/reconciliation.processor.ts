import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ProcessorRegistry, QueueRegistry } from '@statemesh/queue';
import { LedgerService } from '@statemesh/wallets';

export const RECONCILE_LEDGER_EVERY_MS = 15 * 60 * 1_000;

/**
 * Consistency checks on a timer. They flag what they find (an error log line
 * with the details) and never repair it: a mismatch in money needs a person.
 */
@Injectable()
export class ReconciliationProcessor implements OnApplicationBootstrap {
  constructor(
    private readonly processors: ProcessorRegistry,
    private readonly queues: QueueRegistry,
    private readonly ledger: LedgerService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.processors.register(
      'reconciliation',
      {
        'reconciliation.reconcile-ledger': async () => {
          await this.ledger.reconcile();
        },
      },
      { concurrency: 1 },
    );
    await this.queues.upsertRepeatingJob('reconciliation.reconcile-ledger', {}, RECONCILE_LEDGER_EVERY_MS);
  }
}
