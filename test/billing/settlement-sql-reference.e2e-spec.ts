import * as fc from 'fast-check';
import { newId } from '@statemesh/common';
import { periodStartOf } from '@statemesh/billing';
import { PrismaService } from '@statemesh/database';
import { PricingService, SettlementService } from '@statemesh/wallets';
import { VmUsageSource } from '../../libs/wallets/src/settlement/vm-usage.source';
import { INSTANCE_TYPE, SettlementFixture, startSettlementApi } from './settlement-fixtures';
import { expectWrittenAsPlanned, plannedPeriod, writtenPeriod } from './settlement-reference';

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
          expectWrittenAsPlanned(await writtenPeriod(fixture.prisma, 'vm', start), await plannedPeriod(vms, pricing, fixture.prisma, start, PERIOD));
        }
      }),
      { numRuns: 15 },
    );
  });
});
