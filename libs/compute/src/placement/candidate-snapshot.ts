import { Injectable, Logger } from '@nestjs/common';
import type { Db } from '@statemesh/database';
import { NodeCapacityRepository, type PlacementNode, type ResourceAmounts } from '@statemesh/nodes';
import type { CandidateNode } from './placement.types';

const EMPTY_GROUPS: readonly string[] = [];

type SnapshotNode = CandidateNode & { version: number };

/**
 * The nodes placement decides among, shared by every decision of the
 * process and read from PostgreSQL again, in the background, once older than
 * `maxAgeMs`. The snapshot may be a little stale; that is safe because a
 * decision only ranks nodes — the reservation itself is a conditional UPDATE
 * that re-checks status, eligibility and free capacity. A lost race marks
 * the snapshot stale so the next decision waits for fresh numbers.
 *
 * Placement rounds keep it exact: under the round lock, `catchUp` reads the
 * nodes changed since this process's previous round, which include every
 * other round's reservations (see `NodeCapacityRepository.changedSince`).
 * Every read is merged by node version, so an older read (a background
 * refresh that started before a round committed) never undoes a newer one.
 */
@Injectable()
export class CandidateSnapshot {
  private readonly logger = new Logger(CandidateSnapshot.name);
  private nodes: SnapshotNode[] = [];
  private indexById = new Map<string, number>();
  private readAt = 0;
  private loading: Promise<void> | undefined;
  /** The database time from which the next catch-up reads changes; null until a read under the round lock. */
  private changesSince: Date | null = null;
  maxAgeMs = 3_000;

  constructor(private readonly capacity: NodeCapacityRepository) {}

  async current(): Promise<readonly CandidateNode[]> {
    // Never read, or invalidated: the decision waits for fresh numbers.
    if (this.readAt === 0) await this.refresh();
    // Merely old: decide on it while the next read runs. Reading a large fleet
    // takes long enough that making every decision wait for it stalls placement.
    else this.refreshIfOld();
    return this.nodes;
  }

  /**
   * Brings the nodes up to date with every change committed since this
   * process's previous catch-up, reading through `db` (the round's
   * transaction, holding the round lock). The first call, and the first
   * after `invalidate`, reads every node.
   */
  async catchUp(db: Db): Promise<readonly CandidateNode[]> {
    if (this.readAt === 0 || this.changesSince === null) {
      const read = await this.capacity.readForPlacement(db);
      this.replace(read.nodes);
      this.changesSince = read.readAt;
    } else {
      const read = await this.capacity.changedSince(this.changesSince, db);
      this.merge(read.nodes);
      this.changesSince = read.readAt;
    }
    return this.nodes;
  }

  /**
   * Writers outside the round lock (epoch closes, heartbeats, releases) stamp
   * their own time and may commit late: a read of every node in the
   * background, once the snapshot is older than `maxAgeMs`, picks up what a
   * catch-up missed. Called by a round after it committed, so that the read
   * never takes a second connection while the round holds the round lock.
   */
  refreshIfOld(): void {
    if (Date.now() - this.readAt > this.maxAgeMs) this.refresh().catch((error: unknown) => this.logger.warn(`reading placement candidates failed: ${String(error)}`));
  }

  /** Re-reads before the next decision (after a lost reservation race or a node change). */
  invalidate(): void {
    this.readAt = 0;
  }

  /** Applies a reservation this process made, so the next decisions see it before the next read. */
  reserved(nodeId: string, amounts: ResourceAmounts): void {
    const index = this.indexById.get(nodeId);
    if (index === undefined) return;
    const node = this.nodes[index];
    const allocated = node.allocated;
    // The reservation bumped the row's version: a read from before it must not undo it here.
    node.version += 1;
    node.allocated = {
      vcpu: allocated.vcpu + amounts.vcpu,
      memoryMib: allocated.memoryMib + amounts.memoryMib,
      diskGib: allocated.diskGib + amounts.diskGib,
      gpus: allocated.gpus,
    };
  }

  /**
   * Takes nodes as the database answered them (a round's reservations, a
   * catch-up): each replaces the node it is newer than or as new as; a node
   * now decommissioned leaves the snapshot, a new one joins it.
   */
  merge(changed: readonly PlacementNode[]): void {
    if (changed.length === 0) return;
    // A new array, so that a decision running over the previous one keeps a consistent view.
    const nodes = this.nodes.slice();
    const gone = new Set<string>();
    let added = false;
    for (const node of changed) {
      const index = this.indexById.get(node.id);
      if (node.status === 'decommissioned') {
        if (index !== undefined && node.version >= nodes[index].version) gone.add(node.id);
      } else if (index === undefined) {
        nodes.push(toCandidate(node));
        added = true;
      } else if (node.version >= nodes[index].version) {
        nodes[index] = toCandidate(node);
      }
    }
    this.nodes = gone.size > 0 ? nodes.filter((node) => !gone.has(node.id)) : nodes;
    if (added || gone.size > 0) this.indexById = new Map(this.nodes.map((node, index) => [node.id, index]));
  }

  private refresh(): Promise<void> {
    this.loading ??= this.capacity
      .readForPlacement()
      .then((read) => this.replace(read.nodes))
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  /** Takes a read of every node: nodes missing from it are gone; for the others, the newer version wins. */
  private replace(read: readonly PlacementNode[]): void {
    const nodes = read.map((node) => {
      const index = this.indexById.get(node.id);
      const known = index === undefined ? undefined : this.nodes[index];
      return known !== undefined && known.version > node.version ? known : toCandidate(node);
    });
    this.nodes = nodes;
    this.indexById = new Map(nodes.map((node, index) => [node.id, index]));
    this.readAt = Date.now();
  }
}

/**
 * Every candidate is built by this one object literal, so all of them share
 * one hidden class: a ranking reads their fields for each of thousands of
 * nodes, and V8 answers those reads fast only while it sees few shapes. (A
 * spread, `{ ...node }`, leaves nearly every copy with a shape of its own,
 * which made a ranking ten times slower.)
 */
function toCandidate(node: PlacementNode): SnapshotNode {
  return {
    id: node.id,
    zone: node.zone,
    class: node.class,
    arch: node.arch,
    virtualization: node.virtualization,
    status: node.status,
    eligible: node.eligible,
    capacity: node.capacity,
    allocated: node.allocated,
    antiAffinityGroups: EMPTY_GROUPS,
    version: node.version,
  };
}
