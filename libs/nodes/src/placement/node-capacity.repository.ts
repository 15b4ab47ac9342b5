import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type Db, type Node } from '@statemesh/database';
import { nodeClassFromDb, readGpus, type GpuInventory, type NodeArch, type NodeClass, type NodeStatus } from '../node-model';

export interface ResourceAmounts {
  vcpu: number;
  memoryMib: number;
  diskGib: number;
}

/**
 * The nodes VMs may be placed on now: active and in the current epoch's
 * eligible set, of a class that hosts VMs, with virtualization. Reservations
 * re-check it in the same statement that reserves.
 */
export const PLACEABLE_NODE = {
  status: 'active',
  eligible: true,
  class: { in: ['bare_metal', 'datacenter'] },
  virtualization: true,
} as const satisfies Prisma.NodeWhereInput;

/** What a scheduler needs to know about one node (the compute capability's CandidateNode, minus anti-affinity). */
export interface PlacementNode {
  id: string;
  zone: string;
  class: NodeClass;
  arch: NodeArch;
  virtualization: boolean;
  status: NodeStatus;
  eligible: boolean;
  capacity: ResourceAmounts & { gpus: GpuInventory[] };
  allocated: ResourceAmounts & { gpus: GpuInventory[] };
  /** Bumped by every change of the node's capacity, allocation or standing: the newer of two reads of a node wins. */
  version: number;
}

/** Nodes as read at one moment of the database's clock. */
export interface PlacementNodesRead {
  /** The database's time when the read started: every change committed before it is in `nodes`. */
  readAt: Date;
  nodes: PlacementNode[];
}

/** A node's share of a placement round: the sum of the round's VMs placed on it. */
export interface NodeDemand extends ResourceAmounts {
  nodeId: string;
}

/** What the database answered for one node of a round: whether it took the demand, and the node as it now is. */
export interface NodeReservation {
  reserved: boolean;
  node: PlacementNode;
}

/**
 * The columns a placement decision reads. Placement reloads every node about
 * once a second; the rest of the row (heartbeat usage, reported VMs,
 * timestamps) costs more to fetch and decode than the decision itself.
 */
const PLACEMENT_COLUMNS = {
  id: true,
  zone: true,
  class: true,
  arch: true,
  virtualization: true,
  status: true,
  eligible: true,
  capacityVcpu: true,
  capacityMemoryMib: true,
  capacityDiskGib: true,
  gpus: true,
  allocatedVcpu: true,
  allocatedMemoryMib: true,
  allocatedDiskGib: true,
  allocatedGpus: true,
  version: true,
} as const satisfies Prisma.NodeSelect;

type PlacementColumns = Pick<Node, keyof typeof PLACEMENT_COLUMNS>;

export function toPlacementNode(node: PlacementColumns): PlacementNode {
  return {
    id: node.id,
    zone: node.zone,
    class: nodeClassFromDb(node.class),
    arch: node.arch as NodeArch,
    virtualization: node.virtualization,
    status: node.status,
    eligible: node.eligible,
    capacity: { vcpu: node.capacityVcpu, memoryMib: node.capacityMemoryMib, diskGib: node.capacityDiskGib, gpus: readGpus(node.gpus) },
    allocated: {
      vcpu: node.allocatedVcpu,
      memoryMib: node.allocatedMemoryMib,
      diskGib: node.allocatedDiskGib,
      gpus: readGpus(node.allocatedGpus),
    },
    version: node.version,
  };
}

/** The same columns for raw statements over `nodes n` (class and status as their database labels, which are the API's spelling). */
const PLACEMENT_SQL_COLUMNS = Prisma.sql`n.id, n.zone, n.class::text AS class, n.arch, n.virtualization, n.status::text AS status, n.eligible,
  n."capacityVcpu", n."capacityMemoryMib", n."capacityDiskGib", n.gpus, n."allocatedVcpu", n."allocatedMemoryMib", n."allocatedDiskGib", n."allocatedGpus", n.version`;

interface PlacementSqlRow {
  id: string;
  zone: string;
  class: NodeClass;
  arch: string;
  virtualization: boolean;
  status: NodeStatus;
  eligible: boolean;
  capacityVcpu: number;
  capacityMemoryMib: number;
  capacityDiskGib: number;
  gpus: unknown;
  allocatedVcpu: number;
  allocatedMemoryMib: number;
  allocatedDiskGib: number;
  allocatedGpus: unknown;
  version: number;
}

function fromSqlRow(row: PlacementSqlRow): PlacementNode {
  return {
    id: row.id,
    zone: row.zone,
    class: row.class,
    arch: row.arch as NodeArch,
    virtualization: row.virtualization,
    status: row.status,
    eligible: row.eligible,
    capacity: { vcpu: row.capacityVcpu, memoryMib: row.capacityMemoryMib, diskGib: row.capacityDiskGib, gpus: readGpus(row.gpus) },
    allocated: { vcpu: row.allocatedVcpu, memoryMib: row.allocatedMemoryMib, diskGib: row.allocatedDiskGib, gpus: readGpus(row.allocatedGpus) },
    version: row.version,
  };
}

/**
 * Capacity reservations on nodes, for the compute capability. Each is one
 * conditional UPDATE, so any number of concurrent placements (workers, API
 * replicas) can never over-commit a node; the table's CHECK constraints stop
 * any other path that tries.
 */
@Injectable()
export class NodeCapacityRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Every node a placement decision considers (not decommissioned), so that
   * filters can explain what they rejected. Only PLACEABLE_NODE ones can win.
   */
  async listForPlacement(filters: { zone?: string } = {}, db: Db = this.prisma): Promise<PlacementNode[]> {
    const nodes = await db.node.findMany({
      where: { status: { not: 'decommissioned' }, ...(filters.zone ? { zone: filters.zone } : {}) },
      select: PLACEMENT_COLUMNS,
      orderBy: { id: 'asc' },
    });
    return nodes.map(toPlacementNode);
  }

  /**
   * Like `listForPlacement`, with the database time at which the read
   * started, so that `changedSince` can later pick up from there.
   */
  async readForPlacement(db: Db = this.prisma): Promise<PlacementNodesRead> {
    const rows = await db.$queryRaw<Array<PlacementSqlRow & { readAt: Date }>>`
      SELECT statement_timestamp() AS "readAt", ${PLACEMENT_SQL_COLUMNS} FROM nodes n WHERE n.status <> 'decommissioned' ORDER BY n.id`;
    const readAt = rows[0]?.readAt ?? (await this.clock(db));
    return { readAt, nodes: rows.map(fromSqlRow) };
  }

  /**
   * Nodes whose row changed at or after `since` (a database time from an
   * earlier read), decommissioned ones included so that a reader can drop
   * them. A second of overlap covers the millisecond rounding of the column.
   * A change committed after this read began is not in it, whatever its
   * timestamp: callers that must miss nothing serialise the writers they
   * care about (placement rounds write under the round lock, with the clock
   * time of the write).
   */
  async changedSince(since: Date, db: Db = this.prisma): Promise<PlacementNodesRead> {
    const rows = await db.$queryRaw<Array<PlacementSqlRow & { readAt: Date | null }>>`
      WITH clock AS (SELECT statement_timestamp() AS "readAt")
      SELECT clock."readAt", ${PLACEMENT_SQL_COLUMNS}
      FROM clock LEFT JOIN nodes n ON n."updatedAt" >= ${since}::timestamptz - interval '1 second'`;
    const readAt = rows[0].readAt as Date;
    return { readAt, nodes: rows.filter((row) => row.id !== null).map(fromSqlRow) };
  }

  /**
   * Takes a placement round's capacity in one statement: each node's
   * summed demand is added if the node is still placeable and it all fits,
   * otherwise the node is left as it is (nothing of a node's demand is taken
   * then). A node whose row another transaction holds is left too rather
   * than waited for. Answers for every node of the demand, with the node as
   * it now is (after the update when it took the demand). Rows are locked in
   * id order. The node's `updatedAt` is the clock time of the write, after
   * the round lock was taken (see `changedSince`).
   */
  async reserveRound(demand: readonly NodeDemand[], db: Db): Promise<Map<string, NodeReservation>> {
    if (demand.length === 0) return new Map();
    const rows = await db.$queryRaw<Array<PlacementSqlRow & { reserved: boolean }>>`
      WITH demand AS (
        SELECT * FROM unnest(
          ${demand.map((d) => d.nodeId)}::text[], ${demand.map((d) => d.vcpu)}::int[], ${demand.map((d) => d.memoryMib)}::int[], ${demand.map((d) => d.diskGib)}::int[]
        ) AS d(id, vcpu, memory, disk)
      ),
      locked AS (
        SELECT n.id FROM nodes n WHERE n.id IN (SELECT id FROM demand) ORDER BY n.id FOR UPDATE OF n SKIP LOCKED
      ),
      reserved AS (
        UPDATE nodes n SET
          "allocatedVcpu" = n."allocatedVcpu" + d.vcpu,
          "allocatedMemoryMib" = n."allocatedMemoryMib" + d.memory,
          "allocatedDiskGib" = n."allocatedDiskGib" + d.disk,
          version = n.version + 1,
          "updatedAt" = clock_timestamp()
        FROM demand d
        WHERE n.id = d.id AND n.id IN (SELECT id FROM locked)
          AND n.status = 'active' AND n.eligible AND n.class IN ('bare-metal', 'datacenter') AND n.virtualization
          AND n."allocatedVcpu" + d.vcpu <= n."capacityVcpu"
          AND n."allocatedMemoryMib" + d.memory <= n."capacityMemoryMib"
          AND n."allocatedDiskGib" + d.disk <= n."capacityDiskGib"
        RETURNING ${PLACEMENT_SQL_COLUMNS}
      )
      SELECT true AS reserved, r.* FROM reserved r
      UNION ALL
      SELECT false AS reserved, ${PLACEMENT_SQL_COLUMNS} FROM nodes n
      WHERE n.id IN (SELECT id FROM demand) AND n.id NOT IN (SELECT id FROM reserved)`;
    return new Map(rows.map((row) => [row.id, { reserved: row.reserved, node: fromSqlRow(row) }]));
  }

  /** Reserves the amounts on the node if it is placeable and they fit; false otherwise. */
  async reserve(nodeId: string, amounts: ResourceAmounts, db: Db = this.prisma): Promise<boolean> {
    const reserved = await db.$executeRaw`
      UPDATE nodes SET
        "allocatedVcpu" = "allocatedVcpu" + ${amounts.vcpu},
        "allocatedMemoryMib" = "allocatedMemoryMib" + ${amounts.memoryMib},
        "allocatedDiskGib" = "allocatedDiskGib" + ${amounts.diskGib},
        version = version + 1,
        "updatedAt" = now()
      WHERE id = ${nodeId}
        AND status = 'active' AND eligible AND class IN ('bare-metal', 'datacenter') AND virtualization
        AND "allocatedVcpu" + ${amounts.vcpu} <= "capacityVcpu"
        AND "allocatedMemoryMib" + ${amounts.memoryMib} <= "capacityMemoryMib"
        AND "allocatedDiskGib" + ${amounts.diskGib} <= "capacityDiskGib"`;
    return reserved === 1;
  }

  /**
   * Like `reserve`, but does not wait behind another transaction that holds
   * the node's row: `busy` then, so the caller can try its next candidate
   * instead of queueing (concurrent bin-packing placements all rank the same
   * node first). Must run inside a transaction (the row stays locked until it ends).
   */
  async reserveUnlessBusy(nodeId: string, amounts: ResourceAmounts, db: Db): Promise<'reserved' | 'full' | 'busy'> {
    const locked = await db.$queryRaw<Array<{ id: string }>>`SELECT id FROM nodes WHERE id = ${nodeId} FOR UPDATE SKIP LOCKED`;
    if (locked.length === 0) return 'busy';
    return (await this.reserve(nodeId, amounts, db)) ? 'reserved' : 'full';
  }

  private async clock(db: Db): Promise<Date> {
    const [row] = await db.$queryRaw<Array<{ now: Date }>>`SELECT statement_timestamp() AS now`;
    return row.now;
  }

  /**
   * Gives reserved amounts back, whatever the node's status (a draining node
   * releases as its VMs go). False if the node does not hold that much.
   */
  async release(nodeId: string, amounts: ResourceAmounts, db: Db = this.prisma): Promise<boolean> {
    const released = await db.$executeRaw`
      UPDATE nodes SET
        "allocatedVcpu" = "allocatedVcpu" - ${amounts.vcpu},
        "allocatedMemoryMib" = "allocatedMemoryMib" - ${amounts.memoryMib},
        "allocatedDiskGib" = "allocatedDiskGib" - ${amounts.diskGib},
        version = version + 1,
        "updatedAt" = now()
      WHERE id = ${nodeId}
        AND "allocatedVcpu" >= ${amounts.vcpu} AND "allocatedMemoryMib" >= ${amounts.memoryMib} AND "allocatedDiskGib" >= ${amounts.diskGib}`;
    return released === 1;
  }
}
