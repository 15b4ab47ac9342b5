import { Injectable } from '@nestjs/common';
import { AppConfig } from '@statemesh/config';
import type { Node } from '@statemesh/database';
import { Versioned } from '@statemesh/http';
import { expectedProofs } from '../epochs/epoch-rules';
import { EpochRepository } from '../epochs/epoch.repository';
import { NodeEpochRecordRepository } from '../epochs/node-epoch-record.repository';
import type { NodeResponseDto } from './dto/node.dto';
import { toNodeResponse } from './node.mapper';

/** Builds node responses with their epoch standing: one query for the epoch, one for the nodes' records. */
@Injectable()
export class NodeViews {
  constructor(
    private readonly epochs: EpochRepository,
    private readonly records: NodeEpochRecordRepository,
    private readonly config: AppConfig,
  ) {}

  async render(nodes: Node[]): Promise<NodeResponseDto[]> {
    if (nodes.length === 0) return [];
    const open = await this.epochs.findOpen();
    const epochNumbers = open ? [open.number, open.number - 1] : [];
    const records = await this.records.findForNodes(
      nodes.map((node) => node.id),
      epochNumbers,
    );
    const recordOf = (nodeId: string, epoch: number) => records.find((record) => record.nodeId === nodeId && record.epoch === epoch) ?? null;
    return nodes.map((node) =>
      toNodeResponse(node, {
        currentEpoch: open?.number ?? null,
        epochsToActivate: this.config.nodes.epochsToActivate,
        expectedProofsThisEpoch: open ? expectedProofs(open, node.createdAt, this.config.nodes.proofIntervalSeconds) : 0,
        currentRecord: open ? recordOf(node.id, open.number) : null,
        lastClosedRecord: open ? recordOf(node.id, open.number - 1) : null,
      }),
    );
  }

  async renderOne(node: Node): Promise<Versioned<NodeResponseDto>> {
    const [view] = await this.render([node]);
    return new Versioned(view, node.version);
  }
}
