import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { PlacementRoundRunner, ROUND_SIZE, VmPlacementService } from '@statemesh/compute';
import { ProcessorRegistry, QueueRegistry } from '@statemesh/queue';

/** A pending VM whose placement job has not run for this long is queued again (its job was lost). */
const STUCK_AFTER_MS = 30_000;
const SWEEP_EVERY_MS = 15_000;

/**
 * Placement in the worker: jobs (one per create transaction's VMs, one per
 * VM placed again) are answered by
 * placement rounds, which take every VM asked for meanwhile and other
 * waiting ones, plus a periodic sweep that re-queues VMs whose job was lost
 * (a worker killed mid-job). A job waits for the round that deals with its
 * VM and costs no connection meanwhile, so the queue runs as many at once
 * as a round takes. Jobs are safe to run twice: a VM that is no longer
 * waiting is skipped, and the reservation itself is guarded in the database.
 */
@Injectable()
export class PlacementProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(PlacementProcessor.name);

  constructor(
    private readonly processors: ProcessorRegistry,
    private readonly queues: QueueRegistry,
    private readonly rounds: PlacementRoundRunner,
    private readonly placement: VmPlacementService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.processors.register(
      'placement',
      {
        'placement.place-vm': async ({ vmId, attempt }) => {
          const outcome = await this.rounds.request(vmId, attempt);
          if (outcome.result === 'unschedulable') this.logger.debug(`VM ${vmId} unschedulable: ${outcome.message}`);
        },
        // Done once every VM is dealt with; should one be held elsewhere, the job is retried and the others are skipped then.
        'placement.place-vms': async ({ vmIds }) => {
          const outcomes = await Promise.all(vmIds.map((vmId) => this.rounds.request(vmId)));
          const unschedulable = outcomes.filter((outcome) => outcome.result === 'unschedulable').length;
          if (unschedulable > 0) this.logger.debug(`${unschedulable} of ${vmIds.length} VM(s) unschedulable`);
        },
        'placement.retry-waiting': async ({ unschedulable }) => {
          const queued = await this.placement.retryWaiting({ unschedulable: unschedulable ?? false, stuckAfterMs: STUCK_AFTER_MS });
          if (queued > 0) this.logger.log(`queued ${queued} waiting VM(s) for placement`);
        },
      },
      { concurrency: ROUND_SIZE },
    );
    await this.queues.upsertRepeatingJob('placement.retry-waiting', {}, SWEEP_EVERY_MS);
  }
}
