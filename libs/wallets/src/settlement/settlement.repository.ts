import { Injectable } from '@nestjs/common';
import type { PlannedLine } from '@statemesh/billing';
import { Prisma, PrismaService, type Db, type UsageResourceKind } from '@statemesh/database';

/** A settlement line ready to be written: a plan line with its id and the ledger transaction that charges it. */
export interface NewSettlementLine {
  id: string;
  line: PlannedLine;
  transactionId: string | null;
}

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
   * Inserts the lines whose (resource, period) has not been settled and
   * returns the ids of those inserted; a line already settled is skipped —
   * the unique key is what makes settlement exactly-once.
   */
  async insertLines(lines: NewSettlementLine[], periodStart: Date, periodEnd: Date, tx: Prisma.TransactionClient): Promise<Set<string>> {
    if (lines.length === 0) return new Set();
    const rows = await tx.$queryRaw<Array<{ id: string }>>(Prisma.sql`
      INSERT INTO settlement_lines (id, "resourceKind", "resourceId", "periodStart", "periodEnd", "accountId", seconds, "chargeMicro", "transactionId")
      SELECT l.id, l.kind::"UsageResourceKind", l.resource_id, ${periodStart}, ${periodEnd}, l.account_id, l.seconds, l.charge::bigint, l.transaction_id
      FROM unnest(${lines.map((l) => l.id)}::text[], ${lines.map((l) => l.line.resourceKind)}::text[], ${lines.map((l) => l.line.resourceId)}::text[],
                  ${lines.map((l) => l.line.tenantAccountId)}::text[], ${lines.map((l) => l.line.seconds)}::int[],
                  ${lines.map((l) => l.line.chargeMicro.toString())}::text[], ${lines.map((l) => l.transactionId)}::text[])
        AS l(id, kind, resource_id, account_id, seconds, charge, transaction_id)
      ON CONFLICT ("resourceKind", "resourceId", "periodStart") DO NOTHING
      RETURNING id`);
    return new Set(rows.map((row) => row.id));
  }

  async insertParts(lines: NewSettlementLine[], periodStart: Date, tx: Prisma.TransactionClient): Promise<void> {
    const parts = lines.flatMap(({ id, line }) => line.parts.map((part, position) => ({ id, position, part })));
    if (parts.length === 0) return;
    await tx.$executeRaw(Prisma.sql`
      INSERT INTO settlement_line_parts ("lineId", position, component, "nodeId", "operatorAccountId", "periodStart", seconds, quantity,
                                         "pricePerHourMicro", "chargeMicro", "operatorShareMicro", "platformFeeMicro")
      SELECT p.line_id, p.position, p.component, p.node_id, p.operator, ${periodStart}, p.seconds, p.quantity,
             p.price::bigint, p.charge::bigint, p.share::bigint, p.fee::bigint
      FROM unnest(${parts.map((p) => p.id)}::text[], ${parts.map((p) => p.position)}::int[], ${parts.map((p) => p.part.component)}::text[],
                  ${parts.map((p) => p.part.nodeId)}::text[], ${parts.map((p) => p.part.operatorAccountId)}::text[],
                  ${parts.map((p) => p.part.seconds)}::int[], ${parts.map((p) => p.part.quantity)}::int[],
                  ${parts.map((p) => p.part.pricePerHourMicro.toString())}::text[], ${parts.map((p) => p.part.chargeMicro.toString())}::text[],
                  ${parts.map((p) => p.part.operatorShareMicro.toString())}::text[], ${parts.map((p) => p.part.platformFeeMicro.toString())}::text[])
        AS p(line_id, position, component, node_id, operator, seconds, quantity, price, charge, share, fee)`);
  }
}
