import { Injectable } from '@nestjs/common';
import { NodeCapacityRepository, type PlacementNode, type ResourceAmounts } from '@statemesh/nodes';
import type { CandidateNode } from './placement.types';

const EMPTY_GROUPS: readonly string[] = [];

/**
 * The nodes placement decides among, read from PostgreSQL at most every
 * `maxAgeMs` and shared by every decision of the process. The snapshot may
 * be a little stale; that is safe because a decision only ranks nodes — the
 * reservation itself is a conditional UPDATE that re-checks status,
 * eligibility and free capacity. A lost race marks the snapshot stale so
 * the next decision reads fresh numbers.
 */
@Injectable()
export class CandidateSnapshot {
  private nodes: CandidateNode[] = [];
  private byId = new Map<string, CandidateNode>();
  private readAt = 0;
  private loading: Promise<void> | undefined;
  maxAgeMs = 1_000;

  constructor(private readonly capacity: NodeCapacityRepository) {}

  async current(): Promise<readonly CandidateNode[]> {
    if (Date.now() - this.readAt > this.maxAgeMs) await this.refresh();
    return this.nodes;
  }

  /** Re-reads before the next decision (after a lost reservation race or a node change). */
  invalidate(): void {
    this.readAt = 0;
  }

  /** Applies a reservation this process made, so the next decisions see it before the next read. */
  reserved(nodeId: string, amounts: ResourceAmounts): void {
    const node = this.byId.get(nodeId);
    if (!node) return;
    const allocated = node.allocated;
    node.allocated = {
      vcpu: allocated.vcpu + amounts.vcpu,
      memoryMib: allocated.memoryMib + amounts.memoryMib,
      diskGib: allocated.diskGib + amounts.diskGib,
      gpus: allocated.gpus,
    };
  }

  private refresh(): Promise<void> {
    this.loading ??= this.capacity
      .listForPlacement()
      .then((nodes) => {
        this.nodes = nodes.map(toCandidate);
        this.byId = new Map(this.nodes.map((node) => [node.id, node]));
        this.readAt = Date.now();
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }
}

function toCandidate(node: PlacementNode): CandidateNode {
  return { ...node, antiAffinityGroups: EMPTY_GROUPS };
}
