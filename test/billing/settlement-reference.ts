import { planPeriodSettlement, tenantSettlements, type PlannedLine, type TenantSettlement } from '@statemesh/billing';
import type { Prisma, PrismaService, UsageResourceKind } from '@statemesh/database';
import type { PricingService, UsageSource } from '@statemesh/wallets';

/** What the pure functions of @statemesh/billing plan for one period of a source, from the same rows the SQL read. */
export async function plannedPeriod(
  source: UsageSource,
  pricing: PricingService,
  prisma: PrismaService,
  start: Date,
  periodSeconds: number,
): Promise<{ lines: PlannedLine[]; tenants: TenantSettlement[] }> {
  const end = new Date(start.getTime() + periodSeconds * 1000);
  const prices = (await pricing.priceListAt(start))!;
  const usages = await source.meter({ start, end }, prices, prisma as unknown as Prisma.TransactionClient);
  const lines = planPeriodSettlement(usages, prices.platformFeeBps, periodSeconds);
  return { lines, tenants: tenantSettlements(lines) };
}

/** What settling one period of a source wrote: its lines with their parts, and its ledger transactions with their entries. */
export async function writtenPeriod(prisma: PrismaService, kind: UsageResourceKind, start: Date) {
  const rows = await prisma.settlementLine.findMany({ where: { periodStart: start, resourceKind: kind }, orderBy: { resourceId: 'asc' } });
  const parts = await prisma.settlementLinePart.findMany({ where: { lineId: { in: rows.map((line) => line.id) } }, orderBy: [{ lineId: 'asc' }, { position: 'asc' }] });
  const lines = rows.map((line) => ({ ...line, parts: parts.filter((part) => part.lineId === line.id) }));
  const transactions = await prisma.ledgerTransaction.findMany({
    where: { reference: { startsWith: `settlement:${kind}:${start.toISOString()}:` } },
    include: { entries: { orderBy: { id: 'asc' }, include: { wallet: true } } },
    orderBy: { reference: 'asc' },
  });
  return { lines, transactions };
}

/** The lines, parts and postings written are exactly the planned ones, and each charged line names its tenant's transaction. */
export function expectWrittenAsPlanned(actual: Awaited<ReturnType<typeof writtenPeriod>>, expected: { lines: PlannedLine[]; tenants: TenantSettlement[] }): void {
  expect(
    actual.lines.map((line) => ({
      resourceId: line.resourceId,
      accountId: line.accountId,
      seconds: line.seconds,
      charge: line.chargeMicro,
      parts: line.parts.map((part) => [part.position, part.component, part.nodeId, part.operatorAccountId, part.seconds, part.quantity, part.pricePerHourMicro, part.chargeMicro, part.operatorShareMicro, part.platformFeeMicro]),
    })),
  ).toEqual(
    [...expected.lines]
      .sort((a, b) => (a.resourceId < b.resourceId ? -1 : 1))
      .map((line) => ({
        resourceId: line.resourceId,
        accountId: line.tenantAccountId,
        seconds: line.seconds,
        charge: line.chargeMicro,
        parts: line.parts.map((part, position) => [position, part.component, part.nodeId, part.operatorAccountId, part.seconds, part.quantity, part.pricePerHourMicro, part.chargeMicro, part.operatorShareMicro, part.platformFeeMicro]),
      })),
  );
  expect(
    actual.transactions.map((transaction) => ({
      tenant: transaction.reference!.split(':').pop(),
      postings: transaction.entries.map((entry) => [entry.wallet.accountId ?? entry.wallet.kind, entry.amount, entry.role]),
    })),
  ).toEqual(
    expected.tenants.map((tenant) => ({
      tenant: tenant.tenantAccountId,
      postings: tenant.postings.map((posting) => [posting.account.kind === 'wallet' ? posting.account.accountId : posting.account.kind, posting.amountMicro, posting.role]),
    })),
  );
  const transactionOf = new Map(actual.transactions.map((transaction) => [transaction.reference!.split(':').pop(), transaction.id]));
  for (const line of actual.lines) expect(line.transactionId).toBe(line.chargeMicro > 0n ? transactionOf.get(line.accountId) : null);
}
