import { Injectable } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import type { ResourcePeriodUsage } from '@statemesh/billing';
import { Prisma, PrismaService, type Db, type UsageResourceKind } from '@statemesh/database';

/** Settlement's own tables: the cursor per usage source and the settled lines with their parts. */
@Injectable()
export class SettlementRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Creates the source's cursor at `settledUntil` unless it exists. */
  async ensureCursor(source: UsageResourceKind, settledUntil: Date, db: Db = this.prisma): Promise<void> {
    await db.$executeRaw`
      INSERT INTO settlement_cursors (source, "settledUntil") VALUES (${source}::"UsageResourceKind", ${settledUntil})
      ON CONFLICT (source) DO NOTHING`;
  }

  findCursor(source: UsageResourceKind, db: Db = this.prisma): Promise<Date | null> {
    return db.settlementCursor.findUnique({ where: { source } }).then((row) => row?.settledUntil ?? null);
  }

  /**
   * Locks the source's cursor for the rest of the transaction and returns
   * it; null when another transaction holds it (a concurrent worker is
   * settling this source) or it does not exist.
   */
  async lockCursor(source: UsageResourceKind, tx: Prisma.TransactionClient): Promise<Date | null> {
    const rows = await tx.$queryRaw<Array<{ settledUntil: Date }>>`
      SELECT "settledUntil" FROM settlement_cursors WHERE source = ${source}::"UsageResourceKind" FOR UPDATE SKIP LOCKED`;
    return rows[0]?.settledUntil ?? null;
  }

  async advanceCursor(source: UsageResourceKind, settledUntil: Date, tx: Prisma.TransactionClient): Promise<void> {
    await tx.$executeRaw`
      UPDATE settlement_cursors SET "settledUntil" = ${settledUntil}, "updatedAt" = now() WHERE source = ${source}::"UsageResourceKind"`;
  }

  /**
   * Creates the tables one period is planned in, for the rest of the settling
   * transaction (dropped at commit, gone with a rollback): `settlement_usage`
   * holds what each resource used, one row per part, and prices each part as
   * it is written — exactly as the pure `planPeriodSettlement` does (the
   * reference; a test compares both on random data): the charge is
   * price × seconds × quantity / 3600 rounded half up to the micro-unit
   * (`chargeFor`), the platform fee floor(charge × bps / 10000) with the rest
   * to the operator (`splitCharge`), and platform-run parts are all fee. Its
   * checks are the plan's. `settlement_plan_lines` and
   * `settlement_plan_transactions` are filled by `planLines`.
   */
  async createWorkspace(periodSeconds: number, feeBps: number, tx: Prisma.TransactionClient): Promise<void> {
    if (!Number.isInteger(periodSeconds) || periodSeconds <= 0) throw new RangeError('periodSeconds must be a positive integer');
    if (!Number.isInteger(feeBps) || feeBps < 0 || feeBps > 10_000) throw new RangeError('feeBps must be an integer between 0 and 10000');
    // For this transaction only. The planner's row estimates through the metering CTEs are far too high, so
    // it would JIT-compile the statements (over a second of compiling for well under a second of work); and
    // the period's sorts and hashes of ~100,000 rows fit in memory with a little more than the default.
    await tx.$executeRaw`SELECT set_config('jit', 'off', true), set_config('work_mem', '32MB', true)`;
    const charge = Prisma.sql`div(price_per_hour::numeric * seconds * quantity * 2 + 3600, 7200)::bigint`;
    await tx.$executeRaw(Prisma.sql`
      CREATE TEMP TABLE settlement_usage (
        resource_kind text NOT NULL, resource_id text NOT NULL, tenant_id text NOT NULL, resource_seconds int NOT NULL,
        position int NOT NULL, component text NOT NULL, node_id text, operator_id text,
        seconds int NOT NULL, quantity int NOT NULL, price_per_hour bigint NOT NULL,
        charge bigint GENERATED ALWAYS AS (${charge}) STORED,
        fee bigint GENERATED ALWAYS AS (CASE WHEN operator_id IS NULL THEN ${charge} ELSE div((${charge})::numeric * ${Prisma.raw(String(feeBps))}, 10000)::bigint END) STORED,
        CHECK (resource_seconds BETWEEN 0 AND ${Prisma.raw(String(periodSeconds))}),
        CHECK (seconds BETWEEN 1 AND ${Prisma.raw(String(periodSeconds))}),
        CHECK (quantity >= 1), CHECK (price_per_hour >= 0), CHECK ((node_id IS NULL) = (operator_id IS NULL))
      ) ON COMMIT DROP`);
    await tx.$executeRaw`
      CREATE TEMP TABLE settlement_plan_lines (
        id text NOT NULL, resource_kind text NOT NULL, resource_id text NOT NULL, tenant_id text NOT NULL, seconds int NOT NULL, charge bigint NOT NULL
      ) ON COMMIT DROP`;
    await tx.$executeRaw`CREATE TEMP TABLE settlement_plan_transactions (tenant_id text NOT NULL, id text NOT NULL) ON COMMIT DROP`;
  }

  /**
   * Stages usage metered in TypeScript (a source without set-based metering),
   * already validated by `planPeriodSettlement`. Parts without seconds are
   * left out, as the plan does.
   */
  async stageUsages(usages: readonly ResourcePeriodUsage[], tx: Prisma.TransactionClient): Promise<void> {
    const rows = usages.flatMap((usage) =>
      usage.parts.filter((part) => part.seconds > 0).map((part, position) => ({ usage, part, position })),
    );
    if (rows.length === 0) return;
    await tx.$executeRaw(Prisma.sql`
      INSERT INTO settlement_usage (resource_kind, resource_id, tenant_id, resource_seconds, position, component, node_id, operator_id, seconds, quantity, price_per_hour)
      SELECT u.kind, u.resource_id, u.tenant_id, u.resource_seconds, u.position, u.component, u.node_id, u.operator_id, u.seconds, u.quantity, u.price::bigint
      FROM unnest(${rows.map((r) => r.usage.resourceKind)}::text[], ${rows.map((r) => r.usage.resourceId)}::text[], ${rows.map((r) => r.usage.tenantAccountId)}::text[],
                  ${rows.map((r) => r.usage.seconds)}::int[], ${rows.map((r) => r.position)}::int[], ${rows.map((r) => r.part.component)}::text[],
                  ${rows.map((r) => r.part.nodeId)}::text[], ${rows.map((r) => r.part.operatorAccountId)}::text[], ${rows.map((r) => r.part.seconds)}::int[],
                  ${rows.map((r) => r.part.quantity)}::int[], ${rows.map((r) => r.part.pricePerHourMicro.toString())}::text[])
        AS u(kind, resource_id, tenant_id, resource_seconds, position, component, node_id, operator_id, seconds, quantity, price)`);
  }

  /**
   * Drops from the staged usage every resource whose line for this period is
   * already written, and returns how many: the unique (resource, period) key
   * is what makes settlement exactly-once, and a line already settled has been
   * paid for by the transaction that wrote it.
   */
  async discardSettled(periodStart: Date, tx: Prisma.TransactionClient): Promise<number> {
    const [{ count }] = await tx.$queryRaw<Array<{ count: number }>>`
      WITH settled AS (
        DELETE FROM settlement_usage u USING settlement_lines s
        WHERE s."resourceKind" = u.resource_kind::"UsageResourceKind" AND s."resourceId" = u.resource_id AND s."periodStart" = ${periodStart}
        RETURNING u.resource_kind, u.resource_id)
      SELECT count(*)::int AS count FROM (SELECT DISTINCT resource_kind, resource_id FROM settled) resource`;
    await tx.$executeRaw`ANALYZE settlement_usage`;
    return Number(count);
  }

  /**
   * One line per resource (the sum of its parts) and one ledger transaction
   * id per tenant with something to pay. Ids have `newId`'s format: its time
   * part (`idPrefix`) and 9 hexadecimal digits counting up from a random start,
   * so they are unique within the period and, having the time of the run,
   * across periods. Returns the lines planned.
   */
  async planLines(idPrefix: string, tx: Prisma.TransactionClient): Promise<number> {
    if (!/^[0-9a-z]{9}$/.test(idPrefix)) throw new RangeError('idPrefix must be 9 characters of [0-9a-z]');
    const lines = await tx.$executeRaw`
      INSERT INTO settlement_plan_lines (id, resource_kind, resource_id, tenant_id, seconds, charge)
      SELECT ${idPrefix} || lpad(to_hex(${randomCounterStart()}::bigint + row_number() OVER ()), 9, '0'), resource_kind, resource_id, tenant_id, seconds, charge
      FROM (SELECT resource_kind, resource_id, tenant_id, max(resource_seconds) AS seconds, sum(charge)::bigint AS charge
            FROM settlement_usage GROUP BY resource_kind, resource_id, tenant_id) line`;
    await tx.$executeRaw`
      INSERT INTO settlement_plan_transactions (tenant_id, id)
      SELECT tenant_id, ${idPrefix} || lpad(to_hex(${randomCounterStart()}::bigint + row_number() OVER ()), 9, '0')
      FROM (SELECT DISTINCT tenant_id FROM settlement_plan_lines WHERE charge > 0) tenant`;
    await tx.$executeRaw`ANALYZE settlement_plan_lines, settlement_plan_transactions`;
    return lines;
  }

  /** Writes the planned lines, each charged line pointing at its tenant's ledger transaction. */
  async insertLines(periodStart: Date, periodEnd: Date, tx: Prisma.TransactionClient): Promise<number> {
    return tx.$executeRaw`
      INSERT INTO settlement_lines (id, "resourceKind", "resourceId", "periodStart", "periodEnd", "accountId", seconds, "chargeMicro", "transactionId")
      SELECT l.id, l.resource_kind::"UsageResourceKind", l.resource_id, ${periodStart}, ${periodEnd}, l.tenant_id, l.seconds, l.charge,
             CASE WHEN l.charge > 0 THEN t.id END
      FROM settlement_plan_lines l LEFT JOIN settlement_plan_transactions t ON t.tenant_id = l.tenant_id`;
  }

  /** Writes the parts of the planned lines. */
  async insertParts(periodStart: Date, tx: Prisma.TransactionClient): Promise<number> {
    return tx.$executeRaw`
      INSERT INTO settlement_line_parts ("lineId", position, component, "nodeId", "operatorAccountId", "periodStart", seconds, quantity,
                                         "pricePerHourMicro", "chargeMicro", "operatorShareMicro", "platformFeeMicro")
      SELECT l.id, u.position, u.component, u.node_id, u.operator_id, ${periodStart}, u.seconds, u.quantity,
             u.price_per_hour, u.charge, u.charge - u.fee, u.fee
      FROM settlement_usage u JOIN settlement_plan_lines l ON l.resource_kind = u.resource_kind AND l.resource_id = u.resource_id`;
  }

  /**
   * Stages, in the ledger's staging tables (`LedgerRepository.createStaging`),
   * one transaction per tenant charged by a planned line, as the pure
   * `tenantSettlements` builds it: in tenant id order, the tenant −charge,
   * each operator +share (in account id order), platform revenue +fees.
   * Returns the transactions staged and the total charged.
   */
  async stageTenantSettlements(
    source: UsageResourceKind,
    period: { start: Date; end: Date },
    createdAt: Date,
    tx: Prisma.TransactionClient,
  ): Promise<{ transactions: number; chargedMicro: bigint }> {
    const periodStart = period.start.toISOString();
    const periodEnd = period.end.toISOString();
    const transactions = await tx.$executeRaw`
      INSERT INTO ledger_staged_transactions (id, ord, type, description, actor, reference, metadata, created_at)
      SELECT t.id, row_number() OVER (ORDER BY c.tenant_id COLLATE "C"), 'settlement',
             'Usage ' || ${periodStart} || ' – ' || ${periodEnd} || ': ' || c.lines || ' ' || ${source} || CASE WHEN c.lines = 1 THEN '' ELSE 's' END,
             'system:settlement', 'settlement:' || ${source} || ':' || ${periodStart} || ':' || c.tenant_id,
             jsonb_build_object('source', ${source}::text, 'periodStart', ${periodStart}::text, 'periodEnd', ${periodEnd}::text, 'resources', c.lines),
             ${createdAt}
      FROM (SELECT tenant_id, count(*) AS lines FROM settlement_plan_lines WHERE charge > 0 GROUP BY tenant_id) c
      JOIN settlement_plan_transactions t ON t.tenant_id = c.tenant_id`;
    // Lines that charge nothing have parts of nothing: summing every part is summing the charged ones.
    await tx.$executeRaw`
      INSERT INTO ledger_staged_postings (transaction_id, position, account_id, platform_wallet, amount, role)
      WITH paid AS (
        SELECT tenant_id, operator_id, sum(charge) AS charge, sum(charge - fee) AS share, sum(fee) AS fee
        FROM settlement_usage GROUP BY tenant_id, operator_id
      )
      SELECT t.id, row_number() OVER (PARTITION BY posting.tenant_id ORDER BY posting.kind, posting.account_id COLLATE "C") - 1,
             posting.account_id, posting.platform_wallet, posting.amount, posting.role
      FROM (
        SELECT tenant_id, 0 AS kind, tenant_id AS account_id, NULL AS platform_wallet, -sum(charge) AS amount, 'usage_charge' AS role
        FROM paid GROUP BY tenant_id
        UNION ALL
        SELECT tenant_id, 1, operator_id, NULL, share, 'operator_earning' FROM paid WHERE operator_id IS NOT NULL AND share > 0
        UNION ALL
        SELECT tenant_id, 2, NULL, 'platform_revenue', sum(fee), 'platform_fee' FROM paid GROUP BY tenant_id HAVING sum(fee) > 0
      ) posting
      JOIN settlement_plan_transactions t ON t.tenant_id = posting.tenant_id`;
    const [{ charged }] = await tx.$queryRaw<Array<{ charged: string }>>`SELECT coalesce(sum(charge), 0)::text AS charged FROM settlement_plan_lines`;
    return { transactions, chargedMicro: BigInt(charged) };
  }
}

/** Where a period's ids start counting: random, with room for ten million ids below 16^9. */
function randomCounterStart(): bigint {
  return BigInt(randomInt(0, 16 ** 9 - 10_000_001));
}
