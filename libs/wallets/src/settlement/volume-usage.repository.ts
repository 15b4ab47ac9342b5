import { Injectable } from '@nestjs/common';
import { BILLABLE_VOLUME_STATUSES, type VolumePeriodPrices, type VolumePeriodRecord } from '@statemesh/billing';
import { Prisma, PrismaService, type Db } from '@statemesh/database';
import { tenantShardCondition } from './tenant-shard';
import type { TenantShard } from './usage-source';

/**
 * Read-only SQL over volumes and their usage history (`volume_usage_changes`,
 * written by triggers on `volumes`) for metering: each query reads a whole
 * period for every volume at once.
 */
@Injectable()
export class VolumeUsageRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** When the first volume change was recorded: where a fresh settlement cursor starts. */
  async earliestChange(db: Db = this.prisma): Promise<Date | null> {
    const rows = await db.$queryRaw<Array<{ first: Date | null }>>`SELECT min("changedAt") AS first FROM volume_usage_changes`;
    return rows[0]?.first ?? null;
  }

  /**
   * Every volume that may have something to pay for in [start, end): created
   * before its end, not deleted before its start (deleted volumes accumulate;
   * settlement never looks at them again), and billable when the period began
   * or changing within it. Each comes with its state
   * at the start (the last change before it) and its changes within the
   * period, in recording order.
   */
  async volumesInPeriod(start: Date, end: Date, db: Db = this.prisma): Promise<VolumePeriodRecord[]> {
    const volumes = await db.$queryRaw<
      Array<{ id: string; accountId: string; provider: string; sizeGib: number | null; nodeId: string | null; billable: boolean | null; at: Date | null }>
    >`
      SELECT v.id, v."accountId", v.provider::text AS provider, b."sizeGib", b."nodeId", b.billable, b."changedAt" AS at
      FROM volumes v
      LEFT JOIN LATERAL (
        SELECT c."sizeGib", c."nodeId", c.billable, c."changedAt" FROM volume_usage_changes c
        WHERE c."volumeId" = v.id AND c."changedAt" < ${start}
        ORDER BY c."changedAt" DESC, c.id DESC LIMIT 1
      ) b ON true
      WHERE v."createdAt" < ${end} AND (v."deletedAt" IS NULL OR v."deletedAt" > ${start})
        AND (b.billable OR EXISTS (SELECT 1 FROM volume_usage_changes c WHERE c."volumeId" = v.id AND c."changedAt" >= ${start} AND c."changedAt" < ${end}))
      ORDER BY v.id`;
    const changes = await db.$queryRaw<Array<{ volumeId: string; sizeGib: number; nodeId: string | null; billable: boolean; at: Date }>>`
      SELECT "volumeId", "sizeGib", "nodeId", billable, "changedAt" AS at FROM volume_usage_changes
      WHERE "changedAt" >= ${start} AND "changedAt" < ${end}
      ORDER BY "volumeId", "changedAt", id`;
    const within = new Map<string, VolumePeriodRecord['changes']>();
    for (const change of changes) {
      let list = within.get(change.volumeId);
      if (!list) within.set(change.volumeId, (list = []));
      list.push({ at: change.at, sizeGib: Number(change.sizeGib), nodeId: change.nodeId, billable: change.billable });
    }
    return volumes.map((volume) => ({
      id: volume.id,
      accountId: volume.accountId,
      provider: volume.provider,
      changes: [
        ...(volume.at !== null ? [{ at: volume.at, sizeGib: Number(volume.sizeGib), nodeId: volume.nodeId, billable: volume.billable! }] : []),
        ...(within.get(volume.id) ?? []),
      ],
    }));
  }

  /** Every node's operator, for the local volumes on it. */
  async operatorsOfNodes(db: Db = this.prisma): Promise<Map<string, string>> {
    const rows = await db.$queryRaw<Array<{ id: string; accountId: string }>>`SELECT id, "accountId" FROM nodes`;
    return new Map(rows.map((row) => [row.id, row.accountId]));
  }

  /**
   * Meters every volume of the tenants in `shard` for [start, end) in one
   * statement, into the `settlement_usage` table of the settling transaction
   * (see `SettlementRepository.createWorkspace`): the same rules as the pure
   * `volumePeriodUsage` over `volumesInPeriod`, which stays the reference (a
   * test compares both on random histories).
   *
   * Each change lasts until the volume's next one (the last change before the
   * period gives its state at the start), truncated to whole seconds and
   * clipped to the period. Billable spans of at least 1 GiB, on no node or on
   * a node that still exists (the node counts for local volumes only), are
   * kept; a span continues the previous one's run when it starts where that
   * ended, at the same size on the same node; each run is one part, numbered
   * in time order. Returns the parts staged.
   */
  async stageUsage(start: Date, end: Date, prices: VolumePeriodPrices, shard: TenantShard, tx: Prisma.TransactionClient): Promise<number> {
    const startS = Math.floor(start.getTime() / 1000);
    const endS = Math.floor(end.getTime() / 1000);
    const providers = Object.keys(prices.volumePerGibHour).filter((provider) => prices.volumePerGibHour[provider] !== undefined);
    const providerPrices = providers.map((provider) => prices.volumePerGibHour[provider]!.toString());
    return tx.$executeRaw`
      INSERT INTO settlement_usage (resource_kind, resource_id, tenant_id, resource_seconds, position, component, node_id, operator_id, seconds, quantity, price_per_hour)
      WITH volume AS MATERIALIZED (
        SELECT v.id, v."accountId" AS tenant_id, v.provider::text AS provider
        FROM volumes v
        WHERE v."createdAt" < ${end} AND (v."deletedAt" IS NULL OR v."deletedAt" > ${start}) AND ${tenantShardCondition(Prisma.sql`v."accountId"`, shard)}
      ), change AS MATERIALIZED (
        SELECT b.volume_id, b.billable, b.size_gib, b.node_id, b.at, b.id
        FROM volume CROSS JOIN LATERAL (
          -- The last change before the period, as the VMs' metering finds it.
          SELECT c."volumeId" AS volume_id, c.billable, c."sizeGib" AS size_gib, c."nodeId" AS node_id, c."changedAt" AS at, c.id
          FROM volume_usage_changes c
          WHERE c."volumeId" = volume.id AND c."changedAt" < ${start}
          ORDER BY c."changedAt" DESC, c.id DESC LIMIT 1) b
        UNION ALL
        SELECT c."volumeId", c.billable, c."sizeGib", c."nodeId", c."changedAt", c.id
        FROM volume_usage_changes c JOIN volume ON volume.id = c."volumeId"
        WHERE c."changedAt" >= ${start} AND c."changedAt" < ${end}
      ), span AS (
        SELECT volume_id, billable, size_gib, node_id,
               greatest(floor(extract(epoch FROM at))::bigint, ${startS}::bigint) AS from_s,
               least(coalesce(floor(extract(epoch FROM lead(at) OVER (PARTITION BY volume_id ORDER BY at, id)))::bigint, ${endS}::bigint), ${endS}::bigint) AS to_s
        FROM change
      ), kept AS (
        SELECT s.volume_id, s.size_gib, n.id AS node_id, n."accountId" AS operator_id, s.from_s, s.to_s
        FROM span s
        JOIN volume ON volume.id = s.volume_id
        LEFT JOIN nodes n ON volume.provider = 'local' AND n.id = s.node_id
        WHERE s.billable AND s.size_gib >= 1 AND s.to_s > s.from_s
          AND (volume.provider <> 'local' OR s.node_id IS NULL OR n.id IS NOT NULL)
      ), run_start AS (
        SELECT volume_id, size_gib, node_id, operator_id, from_s, to_s,
               CASE WHEN lag(to_s) OVER w = from_s AND lag(size_gib) OVER w = size_gib AND lag(node_id) OVER w IS NOT DISTINCT FROM node_id
                    THEN 0 ELSE 1 END AS starts
        FROM kept
        WINDOW w AS (PARTITION BY volume_id ORDER BY from_s)
      ), run AS (
        SELECT volume_id, size_gib, node_id, operator_id, to_s - from_s AS seconds,
               sum(starts) OVER (PARTITION BY volume_id ORDER BY from_s) AS run
        FROM run_start
      ), part AS (
        SELECT volume_id, run, size_gib, node_id, operator_id, sum(seconds)::int AS seconds
        FROM run GROUP BY volume_id, run, size_gib, node_id, operator_id
      ), price AS (
        SELECT provider, amount::bigint AS amount FROM unnest(${providers}::text[], ${providerPrices}::text[]) AS p(provider, amount)
      )
      SELECT 'volume', part.volume_id, volume.tenant_id,
             sum(part.seconds) OVER (PARTITION BY part.volume_id),
             part.run - 1, 'storage', part.node_id, part.operator_id, part.seconds, part.size_gib,
             coalesce((SELECT amount FROM price WHERE price.provider = volume.provider), 0)
      FROM part JOIN volume ON volume.id = part.volume_id`;
  }

  /** What an account's billable volumes hold, per provider: the GiB of every volume that exists and is usable. */
  /** The GiB of each account's billable volumes by provider, in one statement; every account given has an entry. */
  async billableGibByProviderOf(accountIds: readonly string[], db: Db = this.prisma): Promise<Map<string, Array<{ provider: string; gib: bigint }>>> {
    const ids = [...new Set(accountIds)];
    const rows = await db.$queryRaw<Array<{ accountId: string; provider: string; gib: string }>>`
      SELECT "accountId", provider::text AS provider, sum("sizeGib")::text AS gib FROM volumes
      WHERE "accountId" = ANY(${ids}::text[]) AND status::text = ANY(${[...BILLABLE_VOLUME_STATUSES]}::text[]) AND "deletedAt" IS NULL
      GROUP BY "accountId", provider ORDER BY "accountId", provider`;
    const held = new Map<string, Array<{ provider: string; gib: bigint }>>(ids.map((id) => [id, []]));
    for (const row of rows) held.get(row.accountId)!.push({ provider: row.provider, gib: BigInt(row.gib) });
    return held;
  }
}
