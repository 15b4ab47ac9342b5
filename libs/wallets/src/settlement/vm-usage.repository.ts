import { Injectable } from '@nestjs/common';
import type { VmPeriodPrices, VmPeriodRecord } from '@statemesh/billing';
import { Prisma, PrismaService, type Db } from '@statemesh/database';
import { tenantShardCondition } from './tenant-shard';
import type { TenantShard } from './usage-source';

/** A node as metering sees it: who operates it and its status history around a period. */
export interface NodePeriodRecord {
  nodeId: string;
  operatorAccountId: string;
  /** The last status before the period and every change within it. */
  changes: Array<{ at: Date; status: string }>;
}

/**
 * Read-only SQL over the compute and nodes tables for metering: each query
 * reads a whole period for every resource at once.
 */
@Injectable()
export class VmUsageRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** When the first VM status was recorded: where a fresh settlement cursor starts. */
  async earliestStatusChange(db: Db = this.prisma): Promise<Date | null> {
    const rows = await db.$queryRaw<Array<{ first: Date | null }>>`SELECT min("changedAt") AS first FROM vm_status_changes`;
    return rows[0]?.first ?? null;
  }

  /**
   * Every VM that existed during [start, end) and may have something to pay
   * for: running when the period began, changing status within it, or holding
   * public UDP ports. Each comes with its status at the start (the last change
   * before it) and its changes within the period.
   */
  async vmsInPeriod(start: Date, end: Date, db: Db = this.prisma): Promise<VmPeriodRecord[]> {
    const vms = await db.$queryRaw<
      Array<{ id: string; accountId: string; instanceType: string; createdAt: Date; deletedAt: Date | null; udpPorts: number; status: string | null; nodeId: string | null; at: Date | null }>
    >`
      SELECT v.id, v."accountId", v."instanceType", v."createdAt", v."deletedAt", coalesce(u.ports, 0)::int AS "udpPorts",
             b.status::text AS status, b."nodeId", b."changedAt" AS at
      FROM vms v
      LEFT JOIN LATERAL (
        SELECT c.status, c."nodeId", c."changedAt" FROM vm_status_changes c
        WHERE c."vmId" = v.id AND c."changedAt" < ${start}
        ORDER BY c."changedAt" DESC, c.id DESC LIMIT 1
      ) b ON true
      LEFT JOIN (
        SELECT "vmId", count(*) AS ports FROM vm_ports WHERE protocol = 'udp' AND "publicPort" IS NOT NULL GROUP BY "vmId"
      ) u ON u."vmId" = v.id
      WHERE v."createdAt" < ${end} AND (v."deletedAt" IS NULL OR v."deletedAt" > ${start})
        AND (b.status = 'running' OR u.ports > 0
             OR EXISTS (SELECT 1 FROM vm_status_changes c WHERE c."vmId" = v.id AND c."changedAt" >= ${start} AND c."changedAt" < ${end}))
      ORDER BY v.id`;
    const changes = await db.$queryRaw<Array<{ vmId: string; status: string; nodeId: string | null; at: Date }>>`
      SELECT "vmId", status::text AS status, "nodeId", "changedAt" AS at FROM vm_status_changes
      WHERE "changedAt" >= ${start} AND "changedAt" < ${end}
      ORDER BY "vmId", "changedAt", id`;
    const within = new Map<string, Array<{ at: Date; status: string; nodeId: string | null }>>();
    for (const change of changes) {
      let list = within.get(change.vmId);
      if (!list) within.set(change.vmId, (list = []));
      list.push({ at: change.at, status: change.status, nodeId: change.nodeId });
    }
    return vms.map((vm) => ({
      id: vm.id,
      accountId: vm.accountId,
      instanceType: vm.instanceType,
      createdAt: vm.createdAt,
      deletedAt: vm.deletedAt,
      udpPorts: Number(vm.udpPorts),
      changes: [...(vm.status !== null ? [{ at: vm.at!, status: vm.status, nodeId: vm.nodeId }] : []), ...(within.get(vm.id) ?? [])],
    }));
  }

  /**
   * Meters every VM for [start, end) in one statement, into the
   * `settlement_usage` table of the settling transaction (see
   * `SettlementRepository.createWorkspace`): the same rules as the pure
   * `vmPeriodUsage` over `vmsInPeriod` and `nodesInPeriod`, which stay the
   * reference (a test compares both on random histories), for the VMs of the
   * tenants in `shard`.
   *
   * Each status change lasts until the VM's next one (the last change before
   * the period gives the status at its start), truncated to whole seconds and
   * clipped to the period; running spans on a node, minus their overlap with
   * that node's unreachable spans (built the same way from its status
   * history), summed per VM and node. Spans of one VM never overlap each
   * other, nor do one node's, so the overlaps can simply be summed. Public UDP
   * ports are billed for the seconds the VM existed. Returns the parts staged.
   */
  async stageUsage(start: Date, end: Date, prices: VmPeriodPrices, shard: TenantShard, tx: Prisma.TransactionClient): Promise<number> {
    const startS = Math.floor(start.getTime() / 1000);
    const endS = Math.floor(end.getTime() / 1000);
    const types = [...prices.instanceTypePerHour.keys()];
    const typePrices = types.map((type) => prices.instanceTypePerHour.get(type)!.toString());
    return tx.$executeRaw`
      INSERT INTO settlement_usage (resource_kind, resource_id, tenant_id, resource_seconds, position, component, node_id, operator_id, seconds, quantity, price_per_hour)
      WITH vm AS MATERIALIZED (
        SELECT v.id, v."accountId" AS tenant_id, v."instanceType" AS instance_type, v."createdAt" AS created_at, v."deletedAt" AS deleted_at,
               coalesce(u.ports, 0)::int AS ports
        FROM vms v
        LEFT JOIN (SELECT "vmId", count(*) AS ports FROM vm_ports WHERE protocol = 'udp' AND "publicPort" IS NOT NULL GROUP BY "vmId") u ON u."vmId" = v.id
        WHERE v."createdAt" < ${end} AND (v."deletedAt" IS NULL OR v."deletedAt" > ${start}) AND ${tenantShardCondition(Prisma.sql`v."accountId"`, shard)}
      ), vm_change AS MATERIALIZED (
        SELECT b.vm_id, b.status, b.node_id, b.at, b.id
        FROM vm CROSS JOIN LATERAL (
          -- The last change before the period: one backward step of the (vmId, changedAt, id) index.
          SELECT c."vmId" AS vm_id, c.status::text AS status, c."nodeId" AS node_id, c."changedAt" AS at, c.id
          FROM vm_status_changes c
          WHERE c."vmId" = vm.id AND c."changedAt" < ${start}
          ORDER BY c."changedAt" DESC, c.id DESC LIMIT 1) b
        UNION ALL
        SELECT c."vmId", c.status::text, c."nodeId", c."changedAt", c.id
        FROM vm_status_changes c JOIN vm ON vm.id = c."vmId"
        WHERE c."changedAt" >= ${start} AND c."changedAt" < ${end}
      ), running AS MATERIALIZED (
        SELECT vm_id, node_id, from_s, to_s FROM (
          SELECT vm_id, status, node_id,
                 greatest(floor(extract(epoch FROM at))::bigint, ${startS}::bigint) AS from_s,
                 least(coalesce(floor(extract(epoch FROM lead(at) OVER (PARTITION BY vm_id ORDER BY at, id)))::bigint, ${endS}::bigint), ${endS}::bigint) AS to_s
          FROM vm_change) span
        WHERE status = 'running' AND node_id IS NOT NULL AND to_s > from_s
      ), node_change AS (
        SELECT b.node_id, b.status, b.at, b.id
        FROM nodes n CROSS JOIN LATERAL (
          SELECT c."nodeId" AS node_id, c.status::text AS status, c."changedAt" AS at, c.id
          FROM node_status_changes c
          WHERE c."nodeId" = n.id AND c."changedAt" < ${start}
          ORDER BY c."changedAt" DESC, c.id DESC LIMIT 1) b
        UNION ALL
        SELECT c."nodeId", c.status::text, c."changedAt", c.id FROM node_status_changes c
        WHERE c."changedAt" >= ${start} AND c."changedAt" < ${end}
      ), unreachable AS MATERIALIZED (
        SELECT node_id, from_s, to_s FROM (
          SELECT node_id, status,
                 greatest(floor(extract(epoch FROM at))::bigint, ${startS}::bigint) AS from_s,
                 least(coalesce(floor(extract(epoch FROM lead(at) OVER (PARTITION BY node_id ORDER BY at, id)))::bigint, ${endS}::bigint), ${endS}::bigint) AS to_s
          FROM node_change) span
        WHERE status = 'unreachable' AND to_s > from_s
      ), compute AS (
        SELECT vm_id, node_id, sum(seconds)::int AS seconds FROM (
          SELECT vm_id, node_id, to_s - from_s AS seconds FROM running
          UNION ALL
          SELECT r.vm_id, r.node_id, -(least(r.to_s, u.to_s) - greatest(r.from_s, u.from_s))
          FROM running r JOIN unreachable u ON u.node_id = r.node_id AND u.from_s < r.to_s AND u.to_s > r.from_s
        ) piece
        GROUP BY vm_id, node_id
      ), operator AS MATERIALIZED (
        -- Materialised so that it is hashed once rather than probed for each of the period's VMs.
        SELECT id AS node_id, "accountId" AS operator_id FROM nodes
      ), price AS (
        SELECT type, amount::bigint AS amount FROM unnest(${types}::text[], ${typePrices}::text[]) AS p(type, amount)
      ), ported AS (
        SELECT vm.id AS vm_id, vm.ports, vm.created_at, least(vm.deleted_at, d.at) AS gone
        FROM vm LEFT JOIN (SELECT vm_id, min(at) AS at FROM vm_change WHERE status = 'deleted' GROUP BY vm_id) d ON d.vm_id = vm.id
        WHERE vm.ports > 0
      ), part AS (
        SELECT c.vm_id, 0 AS kind, 'compute' AS component, c.node_id, o.operator_id, c.seconds, 1 AS quantity,
               coalesce((SELECT amount FROM price WHERE price.type = vm.instance_type), 0) AS price_per_hour
        FROM compute c JOIN operator o ON o.node_id = c.node_id JOIN vm ON vm.id = c.vm_id
        WHERE c.seconds > 0
        UNION ALL
        SELECT vm_id, 1, 'public_udp_ports', NULL, NULL, seconds::int, ports, ${prices.publicUdpPortPerHour}::bigint FROM (
          SELECT vm_id, ports,
                 CASE WHEN gone < created_at THEN 0
                      ELSE greatest(least(coalesce(floor(extract(epoch FROM gone))::bigint, ${endS}::bigint), ${endS}::bigint)
                                    - greatest(floor(extract(epoch FROM created_at))::bigint, ${startS}::bigint), 0) END AS seconds
          FROM ported) existed
        WHERE seconds > 0
      )
      SELECT 'vm', part.vm_id, vm.tenant_id,
             coalesce(sum(part.seconds) FILTER (WHERE part.kind = 0) OVER (PARTITION BY part.vm_id), 0),
             row_number() OVER (PARTITION BY part.vm_id ORDER BY part.kind, part.node_id COLLATE "C") - 1,
             part.component, part.node_id, part.operator_id, part.seconds, part.quantity, part.price_per_hour
      FROM part JOIN vm ON vm.id = part.vm_id`;
  }

  /** Every node with its operator, and its status history around [start, end) when it was unreachable at some point of it. */
  async nodesInPeriod(start: Date, end: Date, db: Db = this.prisma): Promise<NodePeriodRecord[]> {
    const nodes = await db.$queryRaw<Array<{ id: string; accountId: string; status: string | null; at: Date | null }>>`
      SELECT n.id, n."accountId", b.status::text AS status, b."changedAt" AS at
      FROM nodes n
      LEFT JOIN LATERAL (
        SELECT c.status, c."changedAt" FROM node_status_changes c
        WHERE c."nodeId" = n.id AND c."changedAt" < ${start}
        ORDER BY c."changedAt" DESC, c.id DESC LIMIT 1
      ) b ON true`;
    const changes = await db.$queryRaw<Array<{ nodeId: string; status: string; at: Date }>>`
      SELECT "nodeId", status::text AS status, "changedAt" AS at FROM node_status_changes
      WHERE "changedAt" >= ${start} AND "changedAt" < ${end}
      ORDER BY "nodeId", "changedAt", id`;
    const within = new Map<string, Array<{ at: Date; status: string }>>();
    for (const change of changes) {
      let list = within.get(change.nodeId);
      if (!list) within.set(change.nodeId, (list = []));
      list.push({ at: change.at, status: change.status });
    }
    return nodes.map((node) => ({
      nodeId: node.id,
      operatorAccountId: node.accountId,
      changes: [...(node.status !== null ? [{ at: node.at!, status: node.status }] : []), ...(within.get(node.id) ?? [])],
    }));
  }

  /**
   * What of each account's VMs costs money now (VMs that run or are about to,
   * by instance type; public UDP ports), in two statements; every account
   * given has an entry. The VM counts are sums of `vm_burn_changes`, which
   * triggers on `vms` append to with every VM written (the migration
   * `vm_burn_changes`): a few rows per account and instance type, however
   * many VMs the account holds (`foldBurnChanges` keeps them few).
   */
  async burningResourcesOf(accountIds: readonly string[], db: Db = this.prisma): Promise<Map<string, BurningVmResources>> {
    const ids = [...new Set(accountIds)];
    const instanceTypes = await db.$queryRaw<Array<{ accountId: string; instanceType: string; count: number }>>`
      SELECT "accountId", "instanceType", sum(vms)::int AS count FROM vm_burn_changes
      WHERE "accountId" = ANY(${ids}::text[])
      GROUP BY "accountId", "instanceType" HAVING sum(vms) > 0
      ORDER BY "accountId", "instanceType"`;
    const ports = await db.$queryRaw<Array<{ accountId: string; count: number }>>`
      SELECT v."accountId", count(*)::int AS count FROM vm_ports p JOIN vms v ON v.id = p."vmId"
      WHERE v."accountId" = ANY(${ids}::text[]) AND v."deletedAt" IS NULL AND v.status <> 'deleted'
        AND p.protocol = 'udp' AND p."publicPort" IS NOT NULL
      GROUP BY v."accountId"`;
    const burning = new Map<string, BurningVmResources>(ids.map((id) => [id, { instanceTypes: [], udpPorts: 0 }]));
    for (const row of instanceTypes) burning.get(row.accountId)!.instanceTypes.push({ instanceType: row.instanceType, count: Number(row.count) });
    for (const row of ports) burning.get(row.accountId)!.udpPorts = Number(row.count);
    return burning;
  }

  /**
   * Folds the burn changes every reader can see into one row per account and
   * instance type (none where they sum to zero), in one statement: a reader
   * sees the changes before or after, never both. Only pairs with more than
   * one row are rewritten, so a fold over a quiet fleet writes nothing.
   * Changes appended meanwhile, by transactions not yet committed, are left
   * for the next fold; two folds at once fold each change once (the second
   * finds the rows gone). Returns how many rows were folded.
   */
  async foldBurnChanges(db: Db = this.prisma): Promise<number> {
    const [{ folded }] = await db.$queryRaw<Array<{ folded: number }>>`
      WITH pairs AS (
        SELECT "accountId", "instanceType" FROM vm_burn_changes GROUP BY "accountId", "instanceType" HAVING count(*) > 1
      ), taken AS (
        DELETE FROM vm_burn_changes c USING pairs p
        WHERE c."accountId" = p."accountId" AND c."instanceType" = p."instanceType"
        RETURNING c."accountId", c."instanceType", c.vms
      ), kept AS (
        INSERT INTO vm_burn_changes ("accountId", "instanceType", vms)
        SELECT "accountId", "instanceType", sum(vms) FROM taken GROUP BY "accountId", "instanceType" HAVING sum(vms) <> 0
      )
      SELECT count(*)::int AS folded FROM taken`;
    return folded;
  }
}

/** What of an account's VMs costs money now: VMs by instance type, and public UDP ports. */
export interface BurningVmResources {
  instanceTypes: Array<{ instanceType: string; count: number }>;
  udpPorts: number;
}
