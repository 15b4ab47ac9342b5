import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type Db, type Node, type NodeClass as DbNodeClass, type NodeStatus } from '@statemesh/database';
import type { PageRequest } from '@statemesh/http';
import type { GpuInventory } from '../node-model';

export interface NewNode {
  id: string;
  accountId: string;
  name: string;
  zone: string;
  class: DbNodeClass;
  arch: string;
  virtualization: boolean;
  publicKey: string;
  address: string | null;
  capacityVcpu: number;
  capacityMemoryMib: number;
  capacityDiskGib: number;
  gpus: GpuInventory[];
}

export interface NodeFilters {
  accountId?: string;
  status?: NodeStatus;
  zone?: string;
  class?: DbNodeClass;
  eligible?: boolean;
  minFreeVcpu?: number;
  minFreeMemoryMib?: number;
  minFreeDiskGib?: number;
}

/** What a node session may act as: the node and its operator account. */
export interface NodeSessionSubject {
  id: string;
  accountId: string;
  status: NodeStatus;
}

export interface HeartbeatObservation {
  usage: Record<string, unknown>;
  reportedVms: Array<Record<string, unknown>>;
  reportedAddress: string | null;
  agentVersion: string | null;
}

@Injectable()
export class NodeRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(data: NewNode, db: Db = this.prisma): Promise<Node> {
    return db.node.create({ data: { ...data, gpus: data.gpus as unknown as Prisma.InputJsonValue } });
  }

  findById(id: string, db: Db = this.prisma): Promise<Node | null> {
    return db.node.findUnique({ where: { id } });
  }

  findInAccount(accountId: string, id: string): Promise<Node | null> {
    return this.prisma.node.findFirst({ where: { id, accountId } });
  }

  findSessionSubject(id: string): Promise<NodeSessionSubject | null> {
    return this.prisma.node.findUnique({ where: { id }, select: { id: true, accountId: true, status: true } });
  }

  /**
   * One page in id order. Free-capacity filters compare two columns, which
   * Prisma's filters cannot express, so the matching ids come from SQL.
   */
  async list(filters: NodeFilters, page: PageRequest): Promise<Node[]> {
    const { minFreeVcpu, minFreeMemoryMib, minFreeDiskGib } = filters;
    const where: Prisma.NodeWhereInput = {
      ...(filters.accountId ? { accountId: filters.accountId } : {}),
      ...(filters.status ? { status: filters.status } : {}),
      ...(filters.zone ? { zone: filters.zone } : {}),
      ...(filters.class ? { class: filters.class } : {}),
      ...(filters.eligible !== undefined ? { eligible: filters.eligible } : {}),
      ...(page.after ? { id: { gt: page.after } } : {}),
    };
    if (minFreeVcpu === undefined && minFreeMemoryMib === undefined && minFreeDiskGib === undefined) {
      return this.prisma.node.findMany({ where, orderBy: { id: 'asc' }, take: page.limit + 1 });
    }
    const conditions: Prisma.Sql[] = [Prisma.sql`TRUE`];
    if (filters.accountId) conditions.push(Prisma.sql`"accountId" = ${filters.accountId}`);
    if (filters.status) conditions.push(Prisma.sql`status = ${filters.status}::"NodeStatus"`);
    if (filters.zone) conditions.push(Prisma.sql`zone = ${filters.zone}`);
    // In SQL the enum has its database labels ('bare-metal'), not Prisma's names ('bare_metal').
    if (filters.class) conditions.push(Prisma.sql`class = ${filters.class === 'bare_metal' ? 'bare-metal' : filters.class}::"NodeClass"`);
    if (filters.eligible !== undefined) conditions.push(Prisma.sql`eligible = ${filters.eligible}`);
    if (minFreeVcpu !== undefined) conditions.push(Prisma.sql`"capacityVcpu" - "allocatedVcpu" >= ${minFreeVcpu}`);
    if (minFreeMemoryMib !== undefined) conditions.push(Prisma.sql`"capacityMemoryMib" - "allocatedMemoryMib" >= ${minFreeMemoryMib}`);
    if (minFreeDiskGib !== undefined) conditions.push(Prisma.sql`"capacityDiskGib" - "allocatedDiskGib" >= ${minFreeDiskGib}`);
    if (page.after) conditions.push(Prisma.sql`id > ${page.after}`);
    const ids = await this.prisma.$queryRaw<Array<{ id: string }>>`
      SELECT id FROM nodes WHERE ${Prisma.join(conditions, ' AND ')} ORDER BY id LIMIT ${page.limit + 1}`;
    if (ids.length === 0) return [];
    return this.prisma.node.findMany({ where: { id: { in: ids.map((row) => row.id) } }, orderBy: { id: 'asc' } });
  }

  /**
   * Starts draining: no new placements from now on. Idempotent; null when
   * the node is already decommissioned.
   */
  async requestDecommission(id: string, now: Date): Promise<Node | null> {
    return this.prisma.$transaction(async (tx) => {
      await tx.node.updateMany({
        where: { id, decommissionRequestedAt: null, status: { not: 'decommissioned' } },
        data: { decommissionRequestedAt: now, version: { increment: 1 } },
      });
      await tx.node.updateMany({
        where: { id, status: { in: ['candidate', 'active', 'standby'] } },
        data: { status: 'draining', eligible: false, statusChangedAt: now, version: { increment: 1 } },
      });
      await this.completeDrains(now, tx, id);
      return tx.node.findUnique({ where: { id } });
    });
  }

  /**
   * Decommissions draining (or silent, or jailed) nodes that are being
   * decommissioned and have nothing reserved on them any more — one node, or
   * all of them. Rows are locked in id order, the order the epoch close
   * locks them in, so the two never deadlock. Returns how many.
   */
  async completeDrains(now: Date, db: Db = this.prisma, id?: string): Promise<number> {
    return db.$executeRaw`
      UPDATE nodes SET status = 'decommissioned', eligible = false, "decommissionedAt" = ${now}, "statusChangedAt" = ${now},
        version = version + 1, "updatedAt" = ${now}
      WHERE id IN (
        SELECT id FROM nodes
        WHERE "decommissionRequestedAt" IS NOT NULL AND status IN ('draining', 'unreachable', 'jailed')
          AND "allocatedVcpu" = 0 AND "allocatedMemoryMib" = 0 AND "allocatedDiskGib" = 0
          AND (${id ?? null}::text IS NULL OR id = ${id ?? null})
        ORDER BY id FOR UPDATE)`;
  }

  /** An admin jail: out of placement at once, until an admin lifts it. False if decommissioned. */
  async jail(id: string, note: string | null, now: Date): Promise<boolean> {
    const { count } = await this.prisma.node.updateMany({
      where: { id, status: { not: 'decommissioned' } },
      data: {
        status: 'jailed',
        eligible: false,
        jailReason: 'admin',
        jailedUntilEpoch: null,
        jailNote: note,
        goodEpochs: 0,
        statusChangedAt: now,
        version: { increment: 1 },
      },
    });
    return count > 0;
  }

  /**
   * Lifts any jail. Trust is earned again: the node is a candidate (or
   * draining, if its operator asked to decommission it; unreachable if silent).
   */
  async unjail(id: string, status: NodeStatus, now: Date): Promise<boolean> {
    const { count } = await this.prisma.node.updateMany({
      where: { id, status: 'jailed' },
      data: {
        status,
        eligible: false,
        jailReason: null,
        jailedUntilEpoch: null,
        jailNote: null,
        goodEpochs: 0,
        absentEpochs: 0,
        statusChangedAt: now,
        version: { increment: 1 },
      },
    });
    return count > 0;
  }

  /**
   * Records a heartbeat. A node that was unreachable comes back as a
   * candidate (trust is earned again), or as draining if it is being
   * decommissioned. Observations do not bump the version: they are not part
   * of what If-Match protects. Null when the node is gone or decommissioned.
   */
  async recordHeartbeat(id: string, observation: HeartbeatObservation, now: Date): Promise<Pick<Node, 'id' | 'status' | 'eligible'> | null> {
    const rows = await this.prisma.$queryRaw<Array<Pick<Node, 'id' | 'status' | 'eligible'>>>`
      UPDATE nodes SET
        "lastSeenAt" = ${now},
        usage = ${JSON.stringify(observation.usage)}::jsonb,
        "reportedVms" = ${JSON.stringify(observation.reportedVms)}::jsonb,
        "reportedAddress" = COALESCE(${observation.reportedAddress}, "reportedAddress"),
        "agentVersion" = COALESCE(${observation.agentVersion}, "agentVersion"),
        status = CASE
          WHEN status <> 'unreachable' THEN status
          WHEN "decommissionRequestedAt" IS NULL THEN 'candidate'::"NodeStatus"
          ELSE 'draining'::"NodeStatus" END,
        "goodEpochs" = CASE WHEN status = 'unreachable' THEN 0 ELSE "goodEpochs" END,
        "statusChangedAt" = CASE WHEN status = 'unreachable' THEN ${now} ELSE "statusChangedAt" END,
        version = CASE WHEN status = 'unreachable' THEN version + 1 ELSE version END,
        "updatedAt" = ${now}
      WHERE id = ${id} AND status <> 'decommissioned'
      RETURNING id, status, eligible`;
    return rows[0] ?? null;
  }

  /**
   * Marks nodes that have not sent a heartbeat since `cutoff` (or never did,
   * and were registered before it) unreachable, out of placement at once.
   * Locks in id order, like the epoch close. Returns their ids.
   */
  async markUnreachable(cutoff: Date, now: Date): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<Array<{ id: string }>>`
      UPDATE nodes SET status = 'unreachable', eligible = false, "statusChangedAt" = ${now}, version = version + 1, "updatedAt" = ${now}
      WHERE id IN (
        SELECT id FROM nodes
        WHERE status IN ('candidate', 'active', 'standby', 'draining') AND COALESCE("lastSeenAt", "createdAt") < ${cutoff}
        ORDER BY id FOR UPDATE)
      RETURNING id`;
    return rows.map((row) => row.id);
  }
}
