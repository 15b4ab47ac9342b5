import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { IdempotencyRepository } from '@statemesh/http';
import { ProcessorRegistry, QueueRegistry } from '@statemesh/queue';
import { VmBurnRateSource } from '@statemesh/wallets';

export const PRUNE_IDEMPOTENCY_RECORDS_EVERY_MS = 10 * 60 * 1_000;
/** Often enough that a burn rate read sums a few changes per account, not every VM write since the last fold. */
export const FOLD_VM_BURN_CHANGES_EVERY_MS = 10_000;

/**
 * Housekeeping on a timer. Provided by the worker app only. Schedules are
 * upserted at every start, so any number of workers keep one schedule each
 * and every run goes to one worker. The jobs are naturally idempotent:
 * deleting what has expired a second time deletes nothing more.
 */
@Injectable()
export class MaintenanceProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(MaintenanceProcessor.name);

  constructor(
    private readonly processors: ProcessorRegistry,
    private readonly queues: QueueRegistry,
    private readonly idempotencyRecords: IdempotencyRepository,
    private readonly vmBurn: VmBurnRateSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.processors.register(
      'maintenance',
      {
        'maintenance.prune-idempotency-records': async () => {
          await this.pruneIdempotencyRecords();
        },
        'maintenance.fold-vm-burn-changes': async () => {
          await this.vmBurn.foldChanges();
        },
      },
      { concurrency: 1 },
    );
    await this.queues.upsertRepeatingJob('maintenance.prune-idempotency-records', {}, PRUNE_IDEMPOTENCY_RECORDS_EVERY_MS);
    await this.queues.upsertRepeatingJob('maintenance.fold-vm-burn-changes', {}, FOLD_VM_BURN_CHANGES_EVERY_MS);
  }

  async pruneIdempotencyRecords(now: Date = new Date()): Promise<number> {
    const deleted = await this.idempotencyRecords.deleteExpired(now);
    if (deleted > 0) this.logger.log(`deleted ${deleted} expired idempotency record(s)`);
    return deleted;
  }
}
