import { Injectable } from '@nestjs/common';
import type { VmPeriodRecord } from '@statemesh/billing';
import { PrismaService, type Db } from '@statemesh/database';

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
   * What an account's VMs that count toward its burn rate hold: instance
   * types of VMs that are running or about to (scheduled, provisioning,
   * starting), and the public UDP ports of every VM that exists.
   */
  async burningResources(accountId: string, db: Db = this.prisma): Promise<{ instanceTypes: Array<{ instanceType: string; count: number }>; udpPorts: number }> {
    const instanceTypes = await db.$queryRaw<Array<{ instanceType: string; count: number }>>`
      SELECT "instanceType", count(*)::int AS count FROM vms
      WHERE "accountId" = ${accountId} AND status IN ('running', 'provisioning', 'starting', 'scheduled') AND "deletedAt" IS NULL
      GROUP BY "instanceType" ORDER BY "instanceType"`;
    const ports = await db.$queryRaw<Array<{ count: number }>>`
      SELECT count(*)::int AS count FROM vm_ports p JOIN vms v ON v.id = p."vmId"
      WHERE v."accountId" = ${accountId} AND v."deletedAt" IS NULL AND v.status <> 'deleted'
        AND p.protocol = 'udp' AND p."publicPort" IS NOT NULL`;
    return { instanceTypes: instanceTypes.map((row) => ({ instanceType: row.instanceType, count: Number(row.count) })), udpPorts: Number(ports[0]?.count ?? 0) };
  }
}
