import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type Db, type Vm, type VmPort } from '@statemesh/database';
import type { PageRequest } from '@statemesh/http';
import type { VmStatus } from '../lifecycle/vm-lifecycle.types';

export type VmWithPorts = Vm & { ports: VmPort[] };

export interface VmFilters {
  accountId: string;
  status?: VmStatus;
  zone?: string;
  name?: string;
}

/** The columns a new VM is written with; the others take their defaults. */
export interface NewVm {
  id: string;
  accountId: string;
  name: string;
  zone: string;
  instanceType: string;
  vcpu: number;
  memoryMib: number;
  gpuModel: string | null;
  gpuCount: number;
  image: string;
  arch: string;
  rootDiskGib: number;
  mode: 'persistent' | 'transient';
  runStrategy: 'always' | 'rerunOnFailure' | 'manual' | 'halted';
  placementStrategy: 'binpack' | 'spread';
  antiAffinityGroup: string | null;
  cloudInit: string | null;
  sshKeys: string[];
  labels: Record<string, string>;
  status: VmStatus;
  desiredStatus: 'running' | 'stopped';
  pinnedNodeId: string | null;
  fromSnapshotId: string | null;
  healthCheck: object | null;
  healthy: boolean;
  restartSchedule: object | null;
  nextScheduledRestartAt: Date | null;
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

  /**
   * Writes a new VM in one statement: the VM row (its name must be free in
   * the account, else the unique violation of `vms_accountId_liveName_key`),
   * the first entry of its status history, its TCP and HTTPS ports, its first
   * event, and `alsoWrite`: other records that belong with it (its operation,
   * its placement job), given as statements by the repositories that own them.
   * UDP ports are claimed afterwards with `claimUdpPort`.
   */
  async createAccepted(
    vm: NewVm,
    ports: ReadonlyArray<{ protocol: 'https' | 'tcp'; targetPort: number; fqdn: string }>,
    event: { type: string; reason: string; message: string; actor: string },
    alsoWrite: readonly Prisma.Sql[],
    db: Db,
  ): Promise<Vm> {
    const others = alsoWrite.map((statement, index) => Prisma.sql`, ${Prisma.raw(`also_${index}`)} AS (${statement})`);
    const [row] = await db.$queryRaw<Vm[]>`
      WITH vm AS (
        INSERT INTO vms (id, "accountId", name, "liveName", zone, "instanceType", vcpu, "memoryMib", "gpuModel", "gpuCount", image, arch, "rootDiskGib",
                         mode, "runStrategy", "placementStrategy", "antiAffinityGroup", "cloudInit", "sshKeys", labels, status, "desiredStatus",
                         "pinnedNodeId", "fromSnapshotId", "healthCheck", healthy, "restartSchedule", "nextScheduledRestartAt", "updatedAt")
        VALUES (${vm.id}, ${vm.accountId}, ${vm.name}, ${vm.name}, ${vm.zone}, ${vm.instanceType}, ${vm.vcpu}, ${vm.memoryMib}, ${vm.gpuModel}, ${vm.gpuCount},
                ${vm.image}, ${vm.arch}, ${vm.rootDiskGib}, ${vm.mode}::"VmMode", ${vm.runStrategy}::"VmRunStrategy", ${vm.placementStrategy}::"PlacementStrategy",
                ${vm.antiAffinityGroup}, ${vm.cloudInit}, ${vm.sshKeys}::text[], ${JSON.stringify(vm.labels)}::jsonb, ${vm.status}::"VmStatus", ${vm.desiredStatus},
                ${vm.pinnedNodeId}, ${vm.fromSnapshotId}, ${jsonOrNull(vm.healthCheck)}::jsonb, ${vm.healthy}, ${jsonOrNull(vm.restartSchedule)}::jsonb,
                ${vm.nextScheduledRestartAt}::timestamptz, now())
        RETURNING *
      ), history AS (
        INSERT INTO vm_status_changes ("vmId", "accountId", status, "nodeId", "changedAt") SELECT id, "accountId", status, NULL, "createdAt" FROM vm
      ), ports AS (
        INSERT INTO vm_ports ("vmId", protocol, "targetPort", zone, fqdn)
        SELECT ${vm.id}, port.protocol::"PortProtocol", port."targetPort", ${vm.zone}, port.fqdn
        FROM unnest(${ports.map((port) => port.protocol)}::text[], ${ports.map((port) => port.targetPort)}::int[], ${ports.map((port) => port.fqdn)}::text[])
          AS port(protocol, "targetPort", fqdn)
      ), event AS (
        INSERT INTO vm_events ("vmId", "accountId", type, reason, message, actor)
        VALUES (${vm.id}, ${vm.accountId}, ${event.type}, ${event.reason}, ${event.message}, ${event.actor})
      )${others.length > 0 ? Prisma.join(others, '') : Prisma.empty}
      SELECT * FROM vm`;
    return row;
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

function jsonOrNull(value: object | null): string | null {
  return value === null ? null : JSON.stringify(value);
}
