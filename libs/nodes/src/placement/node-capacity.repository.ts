import { Injectable } from '@nestjs/common';
import { PrismaService, type Db, type Node, type Prisma } from '@statemesh/database';
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
