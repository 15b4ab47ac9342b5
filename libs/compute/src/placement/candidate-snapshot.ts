import { Injectable, Logger } from '@nestjs/common';
import { NodeCapacityRepository, type PlacementNode, type ResourceAmounts } from '@statemesh/nodes';
import type { CandidateNode } from './placement.types';

const EMPTY_GROUPS: readonly string[] = [];

/**
 * The nodes placement decides among, shared by every decision of the
 * process and read from PostgreSQL again, in the background, once older than
 * `maxAgeMs`. The snapshot may be a little stale; that is safe because a
 * decision only ranks nodes — the reservation itself is a conditional UPDATE
 * that re-checks status, eligibility and free capacity. A lost race marks
 * the snapshot stale so the next decision waits for fresh numbers.
 */
@Injectable()
export class CandidateSnapshot {
  private readonly logger = new Logger(CandidateSnapshot.name);
  private nodes: CandidateNode[] = [];
  private byId = new Map<string, CandidateNode>();
  private readAt = 0;
  private loading: Promise<void> | undefined;
  maxAgeMs = 1_000;

  constructor(private readonly capacity: NodeCapacityRepository) {}

  async current(): Promise<readonly CandidateNode[]> {
    // Never read, or invalidated: the decision waits for fresh numbers.
    if (this.readAt === 0) await this.refresh();
    // Merely old: decide on it while the next read runs. Reading a large fleet
    // takes long enough that making every decision wait for it stalls placement.
    else if (Date.now() - this.readAt > this.maxAgeMs) this.refresh().catch((error: unknown) => this.logger.warn(`reading placement candidates failed: ${String(error)}`));
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
