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

/** VMs a placement round asks for by id: `retries` in any of `waiting`, `fresh` only in `ready`. */
export interface PlacementClaim {
  retries: readonly string[];
  fresh: readonly string[];
  /** Every status in which a VM waits for a node. */
  waiting: readonly VmStatus[];
  /** The statuses of VMs that have not been judged unschedulable yet: a round also takes such VMs nobody asked for. */
  ready: readonly VmStatus[];
}

/** A VM a placement round moves, at the version the round read it. */
export interface VmPlacementWrite {
  vm: Pick<Vm, 'id' | 'version' | 'status'>;
  explanation: Prisma.InputJsonObject;
}

/** A new VM as accepted: its row, its TCP and HTTPS ports, its first event. */
export interface AcceptedVmDraft {
  vm: NewVm;
  ports: ReadonlyArray<{ protocol: 'https' | 'tcp'; targetPort: number; fqdn: string }>;
  event: { type: string; reason: string; message: string; actor: string };
}

/** The key `liveNamesTaken` answers with. */
export function liveNameKey(accountId: string, name: string): string {
  return `${accountId}/${name}`;
}

export type VmEventDraft = { vmId: string; accountId: string; type: string; reason: string; message: string; actor: string };

/** The VM records: the VM row, its ports, its status history and its events. */
@Injectable()
export class VmRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Writes new VMs in one statement: each VM row (its name must be free in
   * its account, else the unique violation of `vms_accountId_liveName_key`
   * fails the statement), the first entry of its status history, its TCP and
   * HTTPS ports, its first event, and `alsoWrite`: other records that belong
   * with them (their operations, their placement jobs), given as statements
   * by the repositories that own them. UDP ports are claimed afterwards with
   * `claimUdpPort`. Answers the rows in the order given.
   */
  async createAccepted(drafts: readonly AcceptedVmDraft[], alsoWrite: ReadonlyArray<Prisma.Sql | null>, db: Db): Promise<Vm[]> {
    if (drafts.length === 0) return [];
    const vms = drafts.map(({ vm, event }, ord) => ({
      ...vm,
      ord,
      eventType: event.type,
      eventReason: event.reason,
      eventMessage: event.message,
      eventActor: event.actor,
    }));
    const ports = drafts.flatMap(({ vm, ports }) => ports.map((port) => ({ vmId: vm.id, protocol: port.protocol, targetPort: port.targetPort, zone: vm.zone, fqdn: port.fqdn })));
    const others = alsoWrite.filter((statement): statement is Prisma.Sql => statement !== null).map((statement, index) => Prisma.sql`, ${Prisma.raw(`also_${index}`)} AS (${statement})`);
    const rows = await db.$queryRaw<Vm[]>`
      WITH input AS (
        SELECT * FROM jsonb_to_recordset(${JSON.stringify(vms)}::jsonb) AS x(
          ord int, id text, "accountId" text, name text, zone text, "instanceType" text, vcpu int, "memoryMib" int, "gpuModel" text, "gpuCount" int,
          image text, arch text, "rootDiskGib" int, mode text, "runStrategy" text, "placementStrategy" text, "antiAffinityGroup" text, "cloudInit" text,
          "sshKeys" jsonb, labels jsonb, status text, "desiredStatus" text, "pinnedNodeId" text, "fromSnapshotId" text, "healthCheck" jsonb, healthy boolean,
          "restartSchedule" jsonb, "nextScheduledRestartAt" timestamptz, "eventType" text, "eventReason" text, "eventMessage" text, "eventActor" text)
      ), vm AS (
        INSERT INTO vms (id, "accountId", name, "liveName", zone, "instanceType", vcpu, "memoryMib", "gpuModel", "gpuCount", image, arch, "rootDiskGib",
                         mode, "runStrategy", "placementStrategy", "antiAffinityGroup", "cloudInit", "sshKeys", labels, status, "desiredStatus",
                         "pinnedNodeId", "fromSnapshotId", "healthCheck", healthy, "restartSchedule", "nextScheduledRestartAt", "updatedAt")
        SELECT x.id, x."accountId", x.name, x.name, x.zone, x."instanceType", x.vcpu, x."memoryMib", x."gpuModel", x."gpuCount", x.image, x.arch, x."rootDiskGib",
               x.mode::"VmMode", x."runStrategy"::"VmRunStrategy", x."placementStrategy"::"PlacementStrategy", x."antiAffinityGroup", x."cloudInit",
               ARRAY(SELECT jsonb_array_elements_text(x."sshKeys")), x.labels, x.status::"VmStatus", x."desiredStatus",
               x."pinnedNodeId", x."fromSnapshotId", x."healthCheck", x.healthy, x."restartSchedule", x."nextScheduledRestartAt", now()
        FROM input x ORDER BY x.ord
        RETURNING *
      ), history AS (
        INSERT INTO vm_status_changes ("vmId", "accountId", status, "nodeId", "changedAt") SELECT id, "accountId", status, NULL, "createdAt" FROM vm
      ), ports AS (
        INSERT INTO vm_ports ("vmId", protocol, "targetPort", zone, fqdn)
        SELECT p."vmId", p.protocol::"PortProtocol", p."targetPort", p.zone, p.fqdn
        FROM jsonb_to_recordset(${JSON.stringify(ports)}::jsonb) AS p("vmId" text, protocol text, "targetPort" int, zone text, fqdn text)
      ), event AS (
        INSERT INTO vm_events ("vmId", "accountId", type, reason, message, actor)
        SELECT x.id, x."accountId", x."eventType", x."eventReason", x."eventMessage", x."eventActor" FROM input x ORDER BY x.ord
      )${others.length > 0 ? Prisma.join(others, '') : Prisma.empty}
      SELECT * FROM vm`;
    const byId = new Map(rows.map((row) => [row.id, row]));
    return drafts.map(({ vm }) => byId.get(vm.id)!);
  }

  /** Which of the (account, name) pairs name a live VM already. */
  async liveNamesTaken(names: ReadonlyArray<{ accountId: string; name: string }>, db: Db = this.prisma): Promise<Set<string>> {
    if (names.length === 0) return new Set();
    const rows = await db.$queryRaw<Array<{ accountId: string; name: string }>>`
      SELECT v."accountId", v."liveName" AS name FROM vms v
      JOIN unnest(${names.map((entry) => entry.accountId)}::text[], ${names.map((entry) => entry.name)}::text[]) AS n("accountId", name)
        ON v."accountId" = n."accountId" AND v."liveName" = n.name`;
    return new Set(rows.map((row) => liveNameKey(row.accountId, row.name)));
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

  /**
   * Serialises placement rounds, whichever process runs them, for the rest
   * of the transaction: a round decides on numbers no other round is
   * changing meanwhile. A round that cannot get the lock within 10 s fails
   * (its jobs are retried), and a holder whose process vanished without
   * closing its connection loses the lock after a minute idle.
   */
  async lockPlacementRound(db: Db): Promise<void> {
    await db.$executeRaw`
      SELECT pg_advisory_xact_lock(hashtextextended('statemesh:placement-round', 0))
      FROM (SELECT set_config('lock_timeout', '10s', true), set_config('idle_in_transaction_session_timeout', '60s', true)) AS settings`;
  }

  /**
   * Locks VMs for a placement round, skipping rows another transaction
   * holds: the VMs asked for by id that still wait (see PlacementClaim),
   * then other VMs in the `ready` statuses, in that order of statuses and
   * oldest first, that a round places on its own — without anti-affinity
   * group, pin or local volume — up to `limit` in all. Never a VM that still
   * holds capacity (a drain's first phase) or that waits for its user to
   * detach a lost local volume. One statement per status, each walking the
   * (status, statusChangedAt) index only as far as it takes: the cost does
   * not grow with the number of VMs waiting.
   */
  async claimForPlacement(claim: PlacementClaim, limit: number, db: Db): Promise<VmWithPorts[]> {
    const vms: Vm[] =
      claim.retries.length + claim.fresh.length > 0
        ? await db.$queryRaw<Vm[]>`SELECT v.* FROM vms v WHERE ${this.waitingForRound(claim)} ORDER BY v."statusChangedAt", v.id LIMIT ${limit} FOR UPDATE OF v SKIP LOCKED`
        : [];
    for (const status of claim.ready) {
      const room = limit - vms.length;
      if (room <= 0) break;
      // Rows this transaction already locked are not skipped by SKIP LOCKED: leave them out by id.
      vms.push(
        ...(await db.$queryRaw<Vm[]>`
          SELECT v.* FROM vms v
          WHERE v.status = ${status}::"VmStatus" AND v."reservedNodeId" IS NULL AND v."antiAffinityGroup" IS NULL AND v."pinnedNodeId" IS NULL
            AND NOT EXISTS (SELECT 1 FROM volumes l WHERE l."attachedVmId" = v.id AND l.provider = 'local')
            AND v.id <> ALL(${vms.map((vm) => vm.id)}::text[])
          ORDER BY v."statusChangedAt"
          LIMIT ${room}
          FOR UPDATE OF v SKIP LOCKED`),
      );
    }
    if (vms.length === 0) return [];
    const ports = await db.$queryRaw<VmPort[]>`SELECT * FROM vm_ports WHERE "vmId" = ANY(${vms.map((vm) => vm.id)}::text[])`;
    const portsOf = new Map<string, VmPort[]>();
    for (const port of ports) portsOf.set(port.vmId, [...(portsOf.get(port.vmId) ?? []), port]);
    return vms.map((vm) => ({ ...vm, ports: portsOf.get(vm.id) ?? [] }));
  }

  /** Of the VMs asked for by id, those that still wait for a round (without locking them). */
  async stillWaitingForRound(claim: PlacementClaim, db: Db): Promise<string[]> {
    const rows = await db.$queryRaw<Array<{ id: string }>>`SELECT v.id FROM vms v WHERE ${this.waitingForRound(claim)}`;
    return rows.map((row) => row.id);
  }

  private waitingForRound(claim: PlacementClaim): Prisma.Sql {
    return Prisma.sql`(
      v."reservedNodeId" IS NULL
      AND ((v.id = ANY(${claim.retries}::text[]) AND v.status = ANY(${claim.waiting}::"VmStatus"[]))
        OR (v.id = ANY(${claim.fresh}::text[]) AND v.status = ANY(${claim.ready}::"VmStatus"[])))
      AND NOT EXISTS (SELECT 1 FROM volumes l WHERE l."attachedVmId" = v.id AND l.provider = 'local' AND l.status = 'lost'))`;
  }

  /**
   * Moves VMs to `scheduled` on their nodes, each at the version read and
   * from one of `from`, exactly as `changeStatus` does one VM (the
   * reservation, a new generation, the explanation, pins of a first
   * placement cleared), with one status history entry each at `now`.
   * Returns the ids moved.
   */
  async scheduleMany(placements: ReadonlyArray<VmPlacementWrite & { nodeId: string }>, from: readonly VmStatus[], now: Date, db: Db): Promise<string[]> {
    if (placements.length === 0) return [];
    const rows = await db.$queryRaw<Array<{ vmId: string }>>`
      WITH d AS (
        SELECT * FROM unnest(
          ${placements.map((p) => p.vm.id)}::text[], ${placements.map((p) => p.vm.version)}::int[],
          ${placements.map((p) => p.nodeId)}::text[], ${placements.map((p) => JSON.stringify(p.explanation))}::jsonb[]
        ) AS d(id, version, node, placement)
      ),
      moved AS (
        UPDATE vms v SET
          status = 'scheduled', "nodeId" = d.node, "reservedNodeId" = d.node, "statusReason" = NULL, generation = v.generation + 1,
          placement = d.placement, "placementAttempts" = v."placementAttempts" + 1, "pinnedNodeId" = NULL, "fromSnapshotId" = NULL,
          "statusChangedAt" = ${now}, version = v.version + 1, "updatedAt" = ${now}
        FROM d
        WHERE v.id = d.id AND v.version = d.version AND v.status = ANY(${from}::"VmStatus"[])
        RETURNING v.id, v."accountId", v."nodeId"
      )
      INSERT INTO vm_status_changes ("vmId", "accountId", status, "nodeId", "changedAt")
      SELECT id, "accountId", 'scheduled', "nodeId", ${now} FROM moved
      RETURNING "vmId"`;
    return rows.map((row) => row.vmId);
  }

  /**
   * Moves VMs to `unschedulable` with the explanation (its sentence as the
   * status reason), each from the status and at the version read, as
   * `changeStatus` does one VM, with one status history entry each at `now`.
   * Returns the ids moved.
   */
  async markUnschedulableMany(verdicts: ReadonlyArray<VmPlacementWrite & { message: string }>, now: Date, db: Db): Promise<string[]> {
    if (verdicts.length === 0) return [];
    const rows = await db.$queryRaw<Array<{ vmId: string }>>`
      WITH d AS (
        SELECT * FROM unnest(
          ${verdicts.map((v) => v.vm.id)}::text[], ${verdicts.map((v) => v.vm.version)}::int[], ${verdicts.map((v) => v.vm.status)}::text[],
          ${verdicts.map((v) => v.message)}::text[], ${verdicts.map((v) => JSON.stringify(v.explanation))}::jsonb[]
        ) AS d(id, version, status, reason, placement)
      ),
      moved AS (
        UPDATE vms v SET
          status = 'unschedulable', "statusReason" = d.reason, placement = d.placement, "placementAttempts" = v."placementAttempts" + 1,
          "statusChangedAt" = ${now}, version = v.version + 1, "updatedAt" = ${now}
        FROM d
        WHERE v.id = d.id AND v.version = d.version AND v.status = d.status::"VmStatus"
        RETURNING v.id, v."accountId", v."nodeId"
      )
      INSERT INTO vm_status_changes ("vmId", "accountId", status, "nodeId", "changedAt")
      SELECT id, "accountId", 'unschedulable', "nodeId", ${now} FROM moved
      RETURNING "vmId"`;
    return rows.map((row) => row.vmId);
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

  /** Many events in one statement, in the order given. */
  async addEvents(events: readonly VmEventDraft[], db: Db): Promise<void> {
    if (events.length === 0) return;
    await db.$executeRaw`
      INSERT INTO vm_events ("vmId", "accountId", type, reason, message, actor)
      SELECT e."vmId", e."accountId", e.type, e.reason, e.message, e.actor FROM unnest(
        ${events.map((e) => e.vmId)}::text[], ${events.map((e) => e.accountId)}::text[], ${events.map((e) => e.type)}::text[],
        ${events.map((e) => e.reason)}::text[], ${events.map((e) => e.message)}::text[], ${events.map((e) => e.actor)}::text[]
      ) WITH ORDINALITY AS e("vmId", "accountId", type, reason, message, actor, position)
      ORDER BY position`;
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
