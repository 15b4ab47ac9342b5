import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@statemesh/config';
import { SessionChallengeRepository } from '../agent-sessions/session-challenge.repository';
import { NodeRepository } from '../registry/node.repository';

/** Housekeeping on node liveness, run with every epoch tick. Each step is idempotent. */
@Injectable()
export class NodeLivenessService {
  private readonly logger = new Logger(NodeLivenessService.name);

  constructor(
    private readonly nodes: NodeRepository,
    private readonly challenges: SessionChallengeRepository,
    private readonly config: AppConfig,
  ) {}

  /**
   * Nodes silent for longer than NODE_UNREACHABLE_AFTER_SECONDS leave
   * placement at once. Returns the nodes that just became unreachable: what
   * self-healing acts on (their VMs need a new home).
   */
  async markUnreachable(now: Date = new Date()): Promise<string[]> {
    const cutoff = new Date(now.getTime() - this.config.nodes.unreachableAfterSeconds * 1000);
    const nodeIds = await this.nodes.markUnreachable(cutoff, now);
    if (nodeIds.length > 0) this.logger.warn(`silent since ${cutoff.toISOString()}, now unreachable: ${nodeIds.join(', ')}`);
    return nodeIds;
  }

  /** Draining nodes with nothing left on them are decommissioned. */
  completeDrains(now: Date = new Date()): Promise<number> {
    return this.nodes.completeDrains(now);
  }

  pruneChallenges(now: Date = new Date()): Promise<number> {
    return this.challenges.deleteExpired(now);
  }
}
