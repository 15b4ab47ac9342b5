import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { VmPlacementService } from '@statemesh/compute';
import { AppConfig } from '@statemesh/config';
import { EpochTick, epochTickIntervalMs, type EpochTickResult } from '@statemesh/nodes';
import { ProcessorRegistry, QueueRegistry } from '@statemesh/queue';

/**
 * The Time Tower's clock in the worker: one shared schedule runs the epoch
 * tick every few seconds (a fraction of an epoch). Every step of the tick is
 * idempotent and closing an epoch is guarded in the database, so any number
 * of workers, retries and overlapping runs still close each epoch once.
 */
@Injectable()
export class EpochsProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(EpochsProcessor.name);

  constructor(
    private readonly processors: ProcessorRegistry,
    private readonly queues: QueueRegistry,
    private readonly tick: EpochTick,
    private readonly config: AppConfig,
    private readonly placement: VmPlacementService,
  ) {}

  get intervalMs(): number {
    return epochTickIntervalMs(this.config.nodes);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.processors.register(
      'epochs',
      {
        'epochs.tick': async () => {
          await this.run();
        },
      },
      { concurrency: 1 },
    );
    await this.queues.upsertRepeatingJob('epochs.tick', {}, this.intervalMs);
  }

  async run(now: Date = new Date()): Promise<EpochTickResult> {
    const result = await this.tick.run(now);
    if (result.decommissioned > 0) this.logger.log(`decommissioned ${result.decommissioned} drained node(s)`);
    // A closed epoch may have made nodes eligible: VMs waiting for capacity try again now, not at their next back-off.
    if (result.closed.length > 0) await this.placement.retryWaiting({ unschedulable: true, stuckAfterMs: 30_000 });
    return result;
  }
}
