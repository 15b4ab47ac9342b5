import * as fc from 'fast-check';
import { newId } from '@statemesh/common';
import { periodStartOf, planPeriodSettlement, tenantSettlements, type PlannedLine, type TenantSettlement } from '@statemesh/billing';
import { PrismaService, type Prisma } from '@statemesh/database';
import { PricingService, SettlementService } from '@statemesh/wallets';
import { VmUsageSource } from '../../libs/wallets/src/settlement/vm-usage.source';
import { INSTANCE_TYPE, SettlementFixture, startSettlementApi } from './settlement-fixtures';

const PERIOD = 20;

type Event =
  | { kind: 'vm'; tenant: number; at: number; udpPorts: number }
  | { kind: 'status'; vm: number; status: 'running' | 'stopped' | 'deleted' | 'running_nowhere'; node: number; at: number }
  | { kind: 'node'; node: number; down: boolean; at: number };

// Instants in ms from one period before the first settled period to the end of the second; coarse
// steps make several changes share a millisecond or a second, as the metering rules must handle.
const instant = fc.oneof(fc.integer({ min: 0, max: 3 * PERIOD * 2 }).map((half) => half * 500), fc.integer({ min: 0, max: 3 * PERIOD * 1000 - 1 }));
const event: fc.Arbitrary<Event> = fc.oneof(
  fc.record({ kind: fc.constant('vm' as const), tenant: fc.nat(2), at: instant, udpPorts: fc.nat(2) }),
  fc.record({
    kind: fc.constant('status' as const),
    vm: fc.nat(5),
    status: fc.constantFrom('running' as const, 'running' as const, 'stopped' as const, 'deleted' as const, 'running_nowhere' as const),
    node: fc.nat(2),
    at: instant,
  }),
  fc.record({ kind: fc.constant('node' as const), node: fc.nat(2), down: fc.boolean(), at: instant }),
);

/**
 * Settlement meters, prices and plans a period in SQL; the pure functions of
 * @statemesh/billing (`vmPeriodUsage`, `planPeriodSettlement`,
 * `tenantSettlements`) are the reference. On random histories, what a
 * settled period wrote — lines, parts and ledger entries — must be exactly
 * what the pure functions make of the same rows.
 */
describe('settlement in SQL against the pure reference (real PostgreSQL)', () => {
  let api: Awaited<ReturnType<typeof startSettlementApi>>;
  let fixture: SettlementFixture;
  let settlement: SettlementService;
  let pricing: PricingService;
  let vms: VmUsageSource;
  let clock: number;

  beforeAll(async () => {
    api = await startSettlementApi('settlement_sql', { SETTLEMENT_PERIOD_SECONDS: String(PERIOD) });
    fixture = new SettlementFixture(api.app.get(PrismaService));
    settlement = api.app.get(SettlementService);
    pricing = api.app.get(PricingService);
    vms = api.app.get(VmUsageSource);
    // Prices that make the rounding matter: 5,400 per hour is 1.5 per second (exact halves, rounded up),
    // 3,601 per port-hour is never whole, and a fee of 14.99 % never divides evenly.
    await fixture.prisma.priceList.create({
      data: {
        id: newId(),
        effectiveFrom: new Date(0),
        platformFeeBps: 1499,
        publicUdpPortPerHour: 3_601n,
        publicIpv4PerHour: 0n,
        createdBy: 'test',
        instanceTypePrices: { create: [{ instanceType: INSTANCE_TYPE, perHour: 5_400n }] },
        volumePrices: { create: [{ provider: 'statemesh', perGibHour: 1n }, { provider: 'local', perGibHour: 1n }, { provider: 's3', perGibHour: 1n }] },
      },
    });
    // Far enough in the past that every period the runs use has closed.
    clock = periodStartOf(new Date(Date.now() - 30 * 24 * 3600_000), PERIOD).getTime();
  });

  afterAll(async () => {
    await api?.close();
  });

  async function reference(start: Date): Promise<{ lines: PlannedLine[]; tenants: TenantSettlement[] }> {
    const end = new Date(start.getTime() + PERIOD * 1000);
    const prices = (await pricing.priceListAt(start))!;
    const usages = await vms.meter({ start, end }, prices, fixture.prisma as unknown as Prisma.TransactionClient);
    const lines = planPeriodSettlement(usages, prices.platformFeeBps, PERIOD);
    return { lines, tenants: tenantSettlements(lines) };
  }

  async function written(start: Date) {
    const rows = await fixture.prisma.settlementLine.findMany({ where: { periodStart: start }, orderBy: { resourceId: 'asc' } });
    const parts = await fixture.prisma.settlementLinePart.findMany({ where: { lineId: { in: rows.map((line) => line.id) } }, orderBy: [{ lineId: 'asc' }, { position: 'asc' }] });
    const lines = rows.map((line) => ({ ...line, parts: parts.filter((part) => part.lineId === line.id) }));
    const transactions = await fixture.prisma.ledgerTransaction.findMany({
      where: { reference: { startsWith: `settlement:vm:${start.toISOString()}:` } },
      include: { entries: { orderBy: { id: 'asc' }, include: { wallet: true } } },
      orderBy: { reference: 'asc' },
    });
    return { lines, transactions };
  }

  it('writes exactly the lines, parts and postings the pure functions plan', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 3, maxLength: 30 }), async (events) => {
        const tenants = await Promise.all([0, 1, 2].map(() => fixture.account()));
        const operators = await Promise.all([0, 1].map(() => fixture.account()));
        const nodes = await Promise.all([0, 1, 2].map((i) => fixture.node(i === 2 ? tenants[0] : operators[i])));
        const created: Array<{ id: string; tenant: string }> = [];
        const base = clock + PERIOD * 1000; // the first period settled in this run
        for (const e of [...events].sort((a, b) => a.at - b.at)) {
          const at = new Date(clock + e.at);
          if (e.kind === 'vm') {
            const tenant = tenants[e.tenant];
            created.push({ id: await fixture.vm(tenant, at, { udpPorts: e.udpPorts }), tenant });
          } else if (e.kind === 'status') {
            const vm = created[e.vm % Math.max(created.length, 1)];
            if (!vm) continue;
            const status = e.status === 'running_nowhere' ? 'running' : e.status;
            const node = e.status === 'running' ? nodes[e.node] : null;
            await fixture.vmStatus(vm.id, vm.tenant, status, node, at);
          } else {
            await fixture.nodeStatus(nodes[e.node], e.down ? 'unreachable' : 'active', at);
          }
        }
        const run = await settlement.settleDuePeriods(new Date(clock + 3 * PERIOD * 1000), 1000);
        clock += 3 * PERIOD * 1000;
        expect(run.busy).toEqual([]);

        for (const start of [new Date(base), new Date(base + PERIOD * 1000)]) {
          const expected = await reference(start);
          const actual = await written(start);
          expect(
            actual.lines.map((line) => ({
              resourceId: line.resourceId,
              accountId: line.accountId,
              seconds: line.seconds,
              charge: line.chargeMicro,
              parts: line.parts.map((part) => [part.component, part.nodeId, part.operatorAccountId, part.seconds, part.quantity, part.pricePerHourMicro, part.chargeMicro, part.operatorShareMicro, part.platformFeeMicro]),
            })),
          ).toEqual(
            [...expected.lines]
              .sort((a, b) => (a.resourceId < b.resourceId ? -1 : 1))
              .map((line) => ({
                resourceId: line.resourceId,
                accountId: line.tenantAccountId,
                seconds: line.seconds,
                charge: line.chargeMicro,
                parts: line.parts.map((part) => [part.component, part.nodeId, part.operatorAccountId, part.seconds, part.quantity, part.pricePerHourMicro, part.chargeMicro, part.operatorShareMicro, part.platformFeeMicro]),
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
          // Each charged line names its tenant's transaction.
          const transactionOf = new Map(actual.transactions.map((transaction) => [transaction.reference!.split(':').pop(), transaction.id]));
          for (const line of actual.lines) expect(line.transactionId).toBe(line.chargeMicro > 0n ? transactionOf.get(line.accountId) : null);
        }
      }),
      { numRuns: 15 },
    );
  });
});
