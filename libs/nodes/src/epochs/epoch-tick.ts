import { Injectable } from '@nestjs/common';
import type { NodesConfig } from '@statemesh/config';
import { NodeLivenessService } from '../liveness/node-liveness.service';
import { EpochsService, type ClosedEpoch } from './epochs.service';

export interface EpochTickResult {
  /** Nodes that just became unreachable. */
  unreachable: string[];
  closed: ClosedEpoch[];
  decommissioned: number;
  prunedChallenges: number;
}

/**
 * How often the worker runs the tick: often enough that epochs close and
 * silent nodes leave placement within a small fraction of their periods,
 * and never more than every 5 s.
 */
export function epochTickIntervalMs(config: NodesConfig): number {
  const periodMs = Math.min(config.epochSeconds, config.unreachableAfterSeconds) * 1000;
  return Math.max(250, Math.min(5_000, Math.floor(periodMs / 8)));
}

/**
 * One run of the Time Tower's repeating job: silent nodes become
 * unreachable, due epochs close, drained nodes are decommissioned, expired
 * session challenges go. Every step is idempotent, so any number of workers
 * may run it at once and a retried run does no harm.
 */
@Injectable()
export class EpochTick {
  constructor(
    private readonly epochs: EpochsService,
    private readonly liveness: NodeLivenessService,
  ) {}

  async run(now: Date = new Date()): Promise<EpochTickResult> {
    const unreachable = await this.liveness.markUnreachable(now);
    const closed = await this.epochs.closeDueEpochs(now);
    const decommissioned = await this.liveness.completeDrains(now);
    const prunedChallenges = await this.liveness.pruneChallenges(now);
    return { unreachable, closed, decommissioned, prunedChallenges };
  }
}
