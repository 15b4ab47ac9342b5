import { Injectable } from '@nestjs/common';
import { PrismaService, type Db, type Vm } from '@statemesh/database';
import type { VmStatus } from '../lifecycle/vm-lifecycle.types';

/** How a node is going away, from the VMs' point of view. */
export type NodeLossKind =
  /** Unreachable past the grace period: its agent has stopped its VMs by itself (self-fencing). */
  | 'lost'
  /** Being decommissioned: VMs are moved off, the node is told to remove its copies first. */
  | 'draining'
  /** Jailed: out of the network; the same as draining. */
  | 'jailed';

export interface LosingNode {
  id: string;
  kind: NodeLossKind;
}

export interface ReportingNode {
  id: string;
  lastSeenAt: Date;
  reportedVms: unknown;
}

/** A live VM placed on a reporting node, as reconciliation reads it. */
export interface PlacedVmRow extends Pick<Vm, 'id' | 'generation' | 'statusChangedAt'> {
  nodeId: string;
  status: VmStatus;
  /** Pending or delivered assignments for the VM on its node. */
  openAssignments: number;
}

/** A VM a node reports but that is not placed on it. */
export interface KnownVmRow extends Pick<Vm, 'id' | 'nodeId' | 'generation'> {
  /** The node whose report names the VM. */
  reportedBy: string;
  status: VmStatus;
  /** A delete-vm for the VM is pending or delivered on the reporting node. */
  deleteOpen: boolean;
}

/** The queries self-healing runs over VMs, nodes and assignments. */
@Injectable()
export class VmHealingRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** VMs whose run-strategy restart is due. */
  dueRestarts(now: Date, limit = 200): Promise<Array<Pick<Vm, 'id'>>> {
    return this.prisma.vm.findMany({
      where: { restartAt: { lte: now }, status: { in: ['failed', 'stopped'] }, deletedAt: null },
      select: { id: true },
      orderBy: { restartAt: 'asc' },
      take: limit,
    });
  }

  /** VMs whose restart schedule is due. */
  dueSchedules(now: Date, limit = 200): Promise<Array<Pick<Vm, 'id' | 'nextScheduledRestartAt'>>> {
    return this.prisma.vm.findMany({
      where: { nextScheduledRestartAt: { lte: now }, deletedAt: null },
      select: { id: true, nextScheduledRestartAt: true },
      orderBy: { nextScheduledRestartAt: 'asc' },
      take: limit,
    });
  }

  /**
   * Moves a schedule on to its next run if nobody else has: the conditional
   * update on the run being claimed makes each run happen once, however many
   * workers look at it.
   */
  async claimScheduledRun(vmId: string, due: Date, next: Date | null): Promise<boolean> {
    const { count } = await this.prisma.vm.updateMany({ where: { id: vmId, nextScheduledRestartAt: due }, data: { nextScheduledRestartAt: next } });
    return count === 1;
  }

  /**
   * Nodes that hold VMs (placed or reserved) and are going away: unreachable
   * for longer than the grace period, jailed, or being decommissioned.
   */
  async losingNodes(lostBefore: Date): Promise<LosingNode[]> {
    const rows = await this.prisma.$queryRaw<Array<{ id: string; status: string; decommissioning: boolean; statusChangedAt: Date }>>`
      SELECT n.id, n.status::text AS status, n."decommissionRequestedAt" IS NOT NULL AS decommissioning, n."statusChangedAt"
      FROM nodes n
      WHERE (n.status IN ('unreachable', 'jailed') OR n."decommissionRequestedAt" IS NOT NULL)
        AND EXISTS (SELECT 1 FROM vms v WHERE (v."nodeId" = n.id OR v."reservedNodeId" = n.id) AND v.status <> 'deleted')
      ORDER BY n.id`;
    const losing: LosingNode[] = [];
    for (const row of rows) {
      if (row.status === 'unreachable' && row.statusChangedAt < lostBefore) losing.push({ id: row.id, kind: 'lost' });
      else if (row.status === 'decommissioned') losing.push({ id: row.id, kind: 'lost' });
      else if (row.decommissioning && row.status !== 'unreachable') losing.push({ id: row.id, kind: 'draining' });
      else if (row.status === 'jailed') losing.push({ id: row.id, kind: 'jailed' });
    }
    return losing;
  }

  /** Every VM that is placed on the node or holds capacity there. */
  vmsOnNode(nodeId: string): Promise<Array<Pick<Vm, 'id'>>> {
    return this.prisma.vm.findMany({
      where: { OR: [{ nodeId }, { reservedNodeId: nodeId }], status: { not: 'deleted' } },
      select: { id: true },
      orderBy: { id: 'asc' },
    });
  }

  /** Nodes whose last heartbeat is recent enough to reconcile against, in id order (passes take them in the same chunks). */
  reportingNodes(seenAfter: Date): Promise<ReportingNode[]> {
    return this.prisma.node.findMany({
      where: { lastSeenAt: { gte: seenAfter }, status: { not: 'decommissioned' } },
      select: { id: true, lastSeenAt: true, reportedVms: true },
      orderBy: { id: 'asc' },
    }) as Promise<ReportingNode[]>;
  }

  /**
   * The live VMs placed on any of the nodes, in one query. `openAssignments`
   * counts the VM's pending or delivered assignments on its own node only.
   */
  async placedOnNodes(nodeIds: readonly string[]): Promise<PlacedVmRow[]> {
    if (nodeIds.length === 0) return [];
    return this.prisma.$queryRaw<PlacedVmRow[]>`
      SELECT v.id, v."nodeId", v.status::text AS status, v.generation, v."statusChangedAt",
        (SELECT count(*)::int FROM assignments a WHERE a."vmId" = v.id AND a."nodeId" = v."nodeId" AND a.status IN ('pending', 'delivered')) AS "openAssignments"
      FROM vms v WHERE v."nodeId" = ANY(${nodeIds}::text[]) AND v.status <> 'deleted'
      ORDER BY v."nodeId", v.id`;
  }

  /**
   * What the platform knows of VMs that nodes report but that are not placed
   * on them, for many (reporting node, VM) pairs in one query. `deleteOpen`
   * is about the reporting node: a delete-vm for the VM is on its way there.
   * Pairs whose VM the platform has no record of are left out.
   */
  async knownElsewhere(reports: ReadonlyArray<{ nodeId: string; vmId: string }>): Promise<KnownVmRow[]> {
    if (reports.length === 0) return [];
    const nodeIds = reports.map((report) => report.nodeId);
    const vmIds = reports.map((report) => report.vmId);
    return this.prisma.$queryRaw<KnownVmRow[]>`
      SELECT r."nodeId" AS "reportedBy", v.id, v."nodeId", v.generation, v.status::text AS status,
        EXISTS (SELECT 1 FROM assignments a WHERE a."vmId" = v.id AND a."nodeId" = r."nodeId" AND a.action = 'delete-vm' AND a.status IN ('pending', 'delivered')) AS "deleteOpen"
      FROM unnest(${nodeIds}::text[], ${vmIds}::text[]) AS r("nodeId", "vmId")
      JOIN vms v ON v.id = r."vmId"`;
  }

  /** The delete-vm handed to `nodeId` for this VM at this generation, if any: when it was made and whether the node carried it out. */
  evacuationOf(vmId: string, nodeId: string, generation: number, db: Db = this.prisma) {
    return db.assignment.findFirst({
      where: { vmId, nodeId, action: 'delete-vm', generation },
      orderBy: { createdAt: 'desc' },
      select: { status: true, createdAt: true },
    });
  }

  /** Local volumes attached to the VM that were lost with their node: they pin the VM to a node that is gone. */
  async lostLocalVolumesOf(vmId: string, db: Db = this.prisma): Promise<string[]> {
    const rows = await db.$queryRaw<Array<{ id: string }>>`
      SELECT id FROM volumes WHERE "attachedVmId" = ${vmId} AND provider::text = 'local' AND status::text = 'lost' ORDER BY id`;
    return rows.map((row) => row.id);
  }

  /** Serialises self-healing decisions about one VM for the rest of the transaction. */
  async lockVm(vmId: string, db: Db): Promise<void> {
    await db.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`heal:${vmId}`}, 0))`;
  }

  async hasOpenDelete(vmId: string, nodeId: string, db: Db): Promise<boolean> {
    return (await db.assignment.count({ where: { vmId, nodeId, action: 'delete-vm', status: { in: ['pending', 'delivered'] } } })) > 0;
  }

  async hasOpenAssignment(vmId: string, nodeId: string, db: Db): Promise<boolean> {
    return (await db.assignment.count({ where: { vmId, nodeId, status: { in: ['pending', 'delivered'] } } })) > 0;
  }

  async setHealthy(vmId: string, healthy: boolean, db: Db = this.prisma): Promise<boolean> {
    const { count } = await db.vm.updateMany({ where: { id: vmId, healthy: !healthy }, data: { healthy } });
    return count === 1;
  }
}
