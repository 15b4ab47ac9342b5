import { Injectable } from '@nestjs/common';
import { AppConfig } from '@statemesh/config';
import { notFound } from '@statemesh/common';
import { agentSettings } from '../agent-sessions/agent-settings';
import type { NodeSession } from '../agent-sessions/node-session';
import { EpochsService } from '../epochs/epochs.service';
import { NodeRepository } from '../registry/node.repository';
import type { HeartbeatAckDto, HeartbeatDto } from './dto/heartbeat.dto';

@Injectable()
export class HeartbeatsService {
  constructor(
    private readonly nodes: NodeRepository,
    private readonly epochs: EpochsService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Records that the node is alive and what it observes. An unreachable
   * node that speaks again is a candidate: it earns eligibility anew.
   */
  async record(session: NodeSession, heartbeat: HeartbeatDto): Promise<HeartbeatAckDto> {
    const now = new Date();
    const node = await this.nodes.recordHeartbeat(
      session.nodeId,
      {
        usage: { ...heartbeat.usage },
        reportedVms: heartbeat.vms.map((vm) => ({ ...vm })),
        reportedAddress: heartbeat.address ?? null,
        agentVersion: heartbeat.agentVersion ?? null,
      },
      now,
    );
    if (!node) throw notFound('Node');
    const epoch = await this.epochs.current(now);
    return {
      nodeId: node.id,
      status: node.status,
      eligible: node.eligible,
      epoch: epoch.number,
      heartbeatIntervalSeconds: agentSettings(this.config.nodes).heartbeatIntervalSeconds,
      serverTime: now.toISOString(),
    };
  }
}
