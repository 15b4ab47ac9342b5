import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { VmPlacementService } from '@statemesh/compute';
import { AppConfig } from '@statemesh/config';
import { ProcessorRegistry, QueueRegistry } from '@statemesh/queue';

/** A pending VM whose placement job has not run for this long is queued again (its job was lost). */
const STUCK_AFTER_MS = 30_000;
const SWEEP_EVERY_MS = 15_000;

/**
 * Placement in the worker: one job per VM to place, plus a periodic sweep
 * that re-queues VMs whose job was lost (a worker killed mid-job). Jobs are
 * safe to run twice: a VM that is no longer waiting is skipped, and the
 * reservation itself is guarded in the database.
 */
@Injectable()
export class PlacementProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(PlacementProcessor.name);

  constructor(
    private readonly processors: ProcessorRegistry,
    private readonly queues: QueueRegistry,
    private readonly placement: VmPlacementService,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.processors.register(
      'placement',
      {
        'placement.place-vm': async ({ vmId, attempt }) => {
          const outcome = await this.placement.place(vmId, attempt ?? 0);
          if (outcome.result === 'unschedulable') this.logger.debug(`VM ${vmId} unschedulable: ${outcome.message}`);
        },
        'placement.retry-waiting': async ({ unschedulable }) => {
          const queued = await this.placement.retryWaiting({ unschedulable: unschedulable ?? false, stuckAfterMs: STUCK_AFTER_MS });
          if (queued > 0) this.logger.log(`queued ${queued} waiting VM(s) for placement`);
        },
      },
      { concurrency: this.config.worker.concurrency * 2 },
    );
    await this.queues.upsertRepeatingJob('placement.retry-waiting', {}, SWEEP_EVERY_MS);
  }
}
