import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '@statemesh/database';

export interface UsageRow {
  resourceKind: 'vm' | 'volume' | null;
  resourceId: string | null;
  hour: Date | null;
  from: Date;
  to: Date;
  seconds: bigint;
  count: bigint;
  charge: bigint;
}

export interface EarningsRow {
  nodeId: string;
  hour: Date;
  seconds: bigint;
  resources: bigint;
  gross: bigint;
  platformFee: bigint;
  earnings: bigint;
}

/** Read-only views of settled usage: what tenants paid for, what operators earned. */
@Injectable()
export class UsageRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Per resource, ordered by kind and id, after the (kind, id) key. */
  usageByResource(accountId: string, from: Date, to: Date, page: { after?: [string, string]; limit: number }): Promise<UsageRow[]> {
    const after = page.after ? Prisma.sql`AND ("resourceKind"::text, "resourceId") > (${page.after[0]}, ${page.after[1]})` : Prisma.empty;
    return this.prisma.$queryRaw<UsageRow[]>`
      SELECT "resourceKind"::text AS "resourceKind", "resourceId", NULL::timestamptz AS hour, min("periodStart") AS "from", max("periodEnd") AS "to",
             sum(seconds)::bigint AS seconds, count(*)::bigint AS count, sum("chargeMicro")::bigint AS charge
      FROM settlement_lines
      WHERE "accountId" = ${accountId} AND "periodStart" >= ${from} AND "periodStart" < ${to} ${after}
      GROUP BY "resourceKind", "resourceId"
      ORDER BY "resourceKind"::text, "resourceId"
      LIMIT ${page.limit + 1}`;
  }

  /** Per UTC hour, latest first, before the `before` hour. */
  usageByHour(accountId: string, from: Date, to: Date, page: { before?: Date; limit: number }): Promise<UsageRow[]> {
    const before = page.before ? Prisma.sql`AND "periodStart" < ${page.before}` : Prisma.empty;
    return this.prisma.$queryRaw<UsageRow[]>`
      SELECT NULL AS "resourceKind", NULL AS "resourceId", date_trunc('hour', "periodStart", 'UTC') AS hour,
             min("periodStart") AS "from", max("periodEnd") AS "to",
             sum(seconds)::bigint AS seconds, count(DISTINCT ("resourceKind", "resourceId"))::bigint AS count, sum("chargeMicro")::bigint AS charge
      FROM settlement_lines
      WHERE "accountId" = ${accountId} AND "periodStart" >= ${from} AND "periodStart" < ${to} ${before}
      GROUP BY 3
      ORDER BY 3 DESC
      LIMIT ${page.limit + 1}`;
  }

  /** An operator's earnings per node and UTC hour, latest hour first, then by node; after the (hour, node) key. */
  earnings(operatorAccountId: string, from: Date, to: Date, page: { after?: [Date, string]; limit: number }): Promise<EarningsRow[]> {
    const after = page.after
      ? Prisma.sql`HAVING (date_trunc('hour', p."periodStart", 'UTC') < ${page.after[0]}
                   OR (date_trunc('hour', p."periodStart", 'UTC') = ${page.after[0]} AND p."nodeId" > ${page.after[1]}))`
      : Prisma.empty;
    return this.prisma.$queryRaw<EarningsRow[]>`
      SELECT p."nodeId", date_trunc('hour', p."periodStart", 'UTC') AS hour, sum(p.seconds)::bigint AS seconds,
             count(DISTINCT (l."resourceKind", l."resourceId"))::bigint AS resources, sum(p."chargeMicro")::bigint AS gross,
             sum(p."platformFeeMicro")::bigint AS "platformFee", sum(p."operatorShareMicro")::bigint AS earnings
      FROM settlement_line_parts p JOIN settlement_lines l ON l.id = p."lineId"
      WHERE p."operatorAccountId" = ${operatorAccountId} AND p."periodStart" >= ${from} AND p."periodStart" < ${to}
      GROUP BY p."nodeId", date_trunc('hour', p."periodStart", 'UTC')
      ${after}
      ORDER BY hour DESC, p."nodeId"
      LIMIT ${page.limit + 1}`;
  }
}
