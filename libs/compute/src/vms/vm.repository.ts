import { Injectable } from '@nestjs/common';
import { PrismaService, type Db, type Prisma, type Vm, type VmPort } from '@statemesh/database';
import type { PageRequest } from '@statemesh/http';
import type { VmStatus } from '../lifecycle/vm-lifecycle.types';

export type VmWithPorts = Vm & { ports: VmPort[] };

export interface VmFilters {
  accountId: string;
  status?: VmStatus;
  zone?: string;
  name?: string;
}

/** A status change and what comes with it, written together. */
export interface VmStatusUpdate {
  status: VmStatus;
  statusReason?: string | null;
  nodeId?: string | null;
  extra?: Prisma.VmUncheckedUpdateManyInput;
}

/** The VM records: the VM row, its ports, its status history and its events. */
@Injectable()
export class VmRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Creates the VM and the first entry of its status history. */
  async create(data: Prisma.VmUncheckedCreateInput & { status: VmStatus }, db: Db = this.prisma): Promise<Vm> {
    const vm = await db.vm.create({ data });
    await db.vmStatusChange.create({ data: { vmId: vm.id, accountId: vm.accountId, status: vm.status, nodeId: null, changedAt: vm.createdAt } });
    return vm;
  }

  /** The account's VMs that a wallet suspension would stop. */
  suspendable(accountId: string): Promise<VmWithPorts[]> {
    return this.prisma.vm.findMany({ where: { accountId, deletedAt: null, status: { notIn: ['suspended', 'deleting', 'deleted'] } }, include: { ports: true } });
  }

  /** Node ids where VMs of the account's anti-affinity group hold capacity. */
  async nodesOfGroup(accountId: string, group: string, db: Db = this.prisma): Promise<string[]> {
    const rows = await db.vm.findMany({ where: { accountId, antiAffinityGroup: group, reservedNodeId: { not: null } }, select: { reservedNodeId: true } });
    return rows.map((row) => row.reservedNodeId as string);
  }

  async addPort(port: { vmId: string; protocol: 'https' | 'tcp'; targetPort: number; zone: string; fqdn: string }, db: Db = this.prisma): Promise<void> {
    await db.vmPort.create({ data: port });
  }

  /**
   * Takes the lowest free public UDP port of the zone's pool for a VM port.
   * `ON CONFLICT DO NOTHING` makes a lost race (another VM took the same
   * port between our read and our insert) an empty result instead of an
   * aborted transaction, so the caller simply tries again. Null: no port of
   * the pool is free.
   */
  async claimUdpPort(
    port: { vmId: string; targetPort: number; zone: string; fqdn: string },
    pool: { min: number; max: number },
    db: Db = this.prisma,
  ): Promise<{ claimed: number } | { claimed: null; exhausted: boolean }> {
    const rows = await db.$queryRaw<Array<{ publicPort: number }>>`
      INSERT INTO vm_ports ("vmId", protocol, "targetPort", zone, fqdn, "publicPort")
      SELECT ${port.vmId}, 'udp'::"PortProtocol", ${port.targetPort}, ${port.zone}, ${port.fqdn}, candidate
      FROM generate_series(${pool.min}::int, ${pool.max}::int) AS candidate
      WHERE NOT EXISTS (SELECT 1 FROM vm_ports used WHERE used.zone = ${port.zone} AND used."publicPort" = candidate)
      ORDER BY candidate
      LIMIT 1
      ON CONFLICT DO NOTHING
      RETURNING "publicPort"`;
    if (rows.length > 0) return { claimed: rows[0].publicPort };
    const used = await db.vmPort.count({ where: { zone: port.zone, publicPort: { gte: pool.min, lte: pool.max } } });
    return { claimed: null, exhausted: used >= pool.max - pool.min + 1 };
  }

  /** Frees the VM's entrypoints and public ports. */
  async deletePorts(vmId: string, db: Db = this.prisma): Promise<void> {
    await db.vmPort.deleteMany({ where: { vmId } });
  }

  async renamePorts(vmId: string, fqdn: string, db: Db = this.prisma): Promise<void> {
    await db.vmPort.updateMany({ where: { vmId }, data: { fqdn } });
  }

  findInAccount(accountId: string, id: string, db: Db = this.prisma): Promise<VmWithPorts | null> {
    return db.vm.findFirst({ where: { id, accountId, deletedAt: null }, include: { ports: true } });
  }

  findById(id: string, db: Db = this.prisma): Promise<VmWithPorts | null> {
    return db.vm.findUnique({ where: { id }, include: { ports: true } });
  }

  list(filters: VmFilters, page: PageRequest): Promise<VmWithPorts[]> {
    return this.prisma.vm.findMany({
      where: {
        accountId: filters.accountId,
        deletedAt: null,
        ...(filters.status ? { status: filters.status } : {}),
        ...(filters.zone ? { zone: filters.zone } : {}),
        ...(filters.name ? { name: filters.name } : {}),
        ...(page.after ? { id: { gt: page.after } } : {}),
      },
      include: { ports: true },
      orderBy: { id: 'asc' },
      take: page.limit + 1,
    });
  }

  /**
   * Serialises quota checks of one account for the rest of the transaction,
   * so two concurrent creates cannot both fit into the last free slot.
   */
  async lockAccountQuota(accountId: string, db: Db): Promise<void> {
    await db.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`quota:${accountId}`}, 0))`;
  }

  /**
   * Moves the VM to a new status if it is still in one of `from` (and at the
   * version read, when given), recording the change in its history. False:
   * someone else changed it first; the caller re-reads.
   */
  async changeStatus(vm: Pick<Vm, 'id' | 'accountId' | 'nodeId'>, from: readonly VmStatus[], update: VmStatusUpdate, db: Db = this.prisma, expectedVersion?: number): Promise<boolean> {
    const now = new Date();
    const result = await db.vm.updateMany({
      where: { id: vm.id, status: { in: [...from] }, ...(expectedVersion !== undefined ? { version: expectedVersion } : {}) },
      data: {
        ...update.extra,
        status: update.status,
        statusChangedAt: now,
        ...(update.statusReason !== undefined ? { statusReason: update.statusReason } : {}),
        ...(update.nodeId !== undefined ? { nodeId: update.nodeId } : {}),
        version: { increment: 1 },
      },
    });
    if (result.count === 0) return false;
    const nodeId = update.nodeId !== undefined ? update.nodeId : vm.nodeId;
    await db.vmStatusChange.create({ data: { vmId: vm.id, accountId: vm.accountId, status: update.status, nodeId, changedAt: now } });
    return true;
  }

  /** Updates fields that are not the status (name, labels, run strategy) at the version read. */
  async updateAttributes(id: string, expectedVersion: number, data: Prisma.VmUncheckedUpdateManyInput, db: Db = this.prisma): Promise<boolean> {
    const result = await db.vm.updateMany({ where: { id, version: expectedVersion, deletedAt: null }, data: { ...data, version: { increment: 1 } } });
    return result.count === 1;
  }

  /**
   * Gives up the VM's claim on its node's capacity. Only the caller that
   * clears `reservedNodeId` gets true, so capacity is released exactly once
   * however many deliveries of the same clean-up run.
   */
  async clearReservation(vmId: string, nodeId: string, db: Db): Promise<boolean> {
    const result = await db.vm.updateMany({ where: { id: vmId, reservedNodeId: nodeId }, data: { reservedNodeId: null } });
    return result.count === 1;
  }

  async addEvent(event: { vmId: string; accountId: string; type: string; reason: string; message: string; actor: string }, db: Db = this.prisma): Promise<void> {
    await db.vmEvent.create({ data: event });
  }

  lastEvent(vmId: string, reason: string) {
    return this.prisma.vmEvent.findFirst({ where: { vmId, reason }, orderBy: { id: 'desc' } });
  }

  events(vmId: string, page: { after?: bigint; limit: number }) {
    return this.prisma.vmEvent.findMany({
      where: { vmId, ...(page.after !== undefined ? { id: { gt: page.after } } : {}) },
      orderBy: { id: 'asc' },
      take: page.limit + 1,
    });
  }

  /**
   * VMs waiting for a node in these statuses since before `before`, oldest
   * first. A VM pinned by a local volume lost with its node waits for its
   * user to detach the volume, and a rescheduling VM that still holds
   * capacity waits for its old node to remove its copy first.
   */
  waitingForPlacement(statuses: readonly VmStatus[], before: Date, limit: number): Promise<Array<Pick<Vm, 'id'>>> {
    return this.prisma.$queryRaw<Array<Pick<Vm, 'id'>>>`
      SELECT v.id FROM vms v
      WHERE v.status::text = ANY(${[...statuses]}::text[]) AND v."statusChangedAt" < ${before} AND v."reservedNodeId" IS NULL
        AND NOT EXISTS (SELECT 1 FROM volumes l WHERE l."attachedVmId" = v.id AND l.provider::text = 'local' AND l.status::text = 'lost')
      ORDER BY v."statusChangedAt"
      LIMIT ${limit}`;
  }
}
