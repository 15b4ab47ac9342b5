import { Injectable } from '@nestjs/common';
import { AppConfig } from '@statemesh/config';
import { DomainError, notFound } from '@statemesh/common';
import type { Node, NodeStatus } from '@statemesh/database';
import type { Page, Versioned } from '@statemesh/http';
import { nodeClassToDb } from '../node-model';
import { NodesErrors } from '../nodes.errors';
import type { NodeResponseDto } from '../registry/dto/node.dto';
import { NodeViews } from '../registry/node-views.service';
import { NodeRepository } from '../registry/node.repository';
import { NodesService } from '../registry/nodes.service';
import type { AdminNodeListQueryDto } from './dto/admin-node.dto';

/** Platform admins' view of every node, and the actions only they may take. */
@Injectable()
export class AdminNodesService {
  constructor(
    private readonly nodes: NodeRepository,
    private readonly operatorNodes: NodesService,
    private readonly views: NodeViews,
    private readonly config: AppConfig,
  ) {}

  list(query: AdminNodeListQueryDto): Promise<Page<NodeResponseDto>> {
    return this.operatorNodes.page(
      {
        accountId: query.accountId,
        zone: query.zone,
        class: query.class ? nodeClassToDb(query.class) : undefined,
        status: query.status,
        eligible: query.eligible,
        minFreeVcpu: query.minFreeVcpu,
        minFreeMemoryMib: query.minFreeMemoryMib,
        minFreeDiskGib: query.minFreeDiskGib,
      },
      query,
    );
  }

  async get(nodeId: string): Promise<Versioned<NodeResponseDto>> {
    return this.views.renderOne(await this.find(nodeId));
  }

  /** Takes the node out of placement at once, until an admin lifts the jail. */
  async jail(nodeId: string, note: string | undefined): Promise<Versioned<NodeResponseDto>> {
    const node = await this.find(nodeId);
    if (!(await this.nodes.jail(node.id, note ?? null, new Date()))) {
      throw new DomainError(NodesErrors['node.decommissioned'], 'A decommissioned node cannot be jailed.');
    }
    return this.get(nodeId);
  }

  /** Lifts a jail, admin or automatic. The node is a candidate again: trust is re-earned from zero. */
  async unjail(nodeId: string): Promise<Versioned<NodeResponseDto>> {
    const node = await this.find(nodeId);
    const now = new Date();
    const seenSince = now.getTime() - this.config.nodes.unreachableAfterSeconds * 1000;
    const next: NodeStatus = node.decommissionRequestedAt
      ? 'draining'
      : (node.lastSeenAt ?? node.createdAt).getTime() >= seenSince
        ? 'candidate'
        : 'unreachable';
    if (!(await this.nodes.unjail(node.id, next, now))) {
      throw new DomainError(NodesErrors['node.not_jailed'], `The node is ${node.status}, not jailed.`);
    }
    return this.get(nodeId);
  }

  decommission(nodeId: string): Promise<Versioned<NodeResponseDto>> {
    return this.operatorNodes.decommissionNode(nodeId);
  }

  private async find(nodeId: string): Promise<Node> {
    const node = await this.nodes.findById(nodeId);
    if (!node) throw notFound('Node');
    return node;
  }
}
