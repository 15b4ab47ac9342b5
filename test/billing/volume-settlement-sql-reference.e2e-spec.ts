import * as fc from 'fast-check';
import { newId } from '@statemesh/common';
import { periodStartOf } from '@statemesh/billing';
import { PrismaService } from '@statemesh/database';
import { PricingService, SettlementService } from '@statemesh/wallets';
import { VolumeUsageSource } from '../../libs/wallets/src/settlement/volume-usage.source';
import { INSTANCE_TYPE, SettlementFixture, startSettlementApi } from './settlement-fixtures';
import { expectWrittenAsPlanned, plannedPeriod, writtenPeriod } from './settlement-reference';

const PERIOD = 20;

type Provider = 'statemesh' | 'local' | 's3';
type Event =
  | { kind: 'create'; tenant: number; provider: Provider; sizeGib: number; node: number; status: 'available' | 'creating'; at: number }
  | { kind: 'resize'; volume: number; grow: number; at: number }
  | { kind: 'attach'; volume: number; node: number; at: number }
  | { kind: 'status'; volume: number; status: 'available' | 'attached' | 'detaching' | 'deleting' | 'lost' | 'error'; at: number }
  | { kind: 'delete'; volume: number; at: number };

// Instants in ms over three periods; coarse steps make several changes share a millisecond or a second.
const instant = fc.oneof(fc.integer({ min: 0, max: 3 * PERIOD * 2 }).map((half) => half * 500), fc.integer({ min: 0, max: 3 * PERIOD * 1000 - 1 }));
// Nodes 0 and 1 are operators', 2 is the first tenant's own, 3 does not exist (a node removed since), 4 is none.
const node = fc.nat(4);
const event: fc.Arbitrary<Event> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('create' as const),
      tenant: fc.nat(2),
      provider: fc.constantFrom<Provider>('statemesh', 'local', 'local', 's3'),
      sizeGib: fc.integer({ min: 1, max: 5 }),
      node,
      status: fc.constantFrom('available' as const, 'creating' as const),
      at: instant,
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ kind: fc.constant('resize' as const), volume: fc.nat(3), grow: fc.integer({ min: 1, max: 4 }), at: instant }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('attach' as const), volume: fc.nat(3), node, at: instant }), weight: 2 },
  {
    arbitrary: fc.record({
      kind: fc.constant('status' as const),
      volume: fc.nat(3),
      status: fc.constantFrom('available' as const, 'attached' as const, 'detaching' as const, 'available' as const, 'deleting' as const, 'lost' as const, 'error' as const),
      at: instant,
    }),
    weight: 4,
  },
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), volume: fc.nat(3), at: instant }), weight: 1 },
);

/**
 * Volume settlement meters, prices and plans a period in SQL; the pure
 * functions of @statemesh/billing (`volumePeriodUsage`,
 * `planPeriodSettlement`, `tenantSettlements`) are the reference. On random
 * volume histories — written by the database's triggers as volumes are
 * created, resized, bound to nodes, lost and deleted — what a settled period
 * wrote (lines, parts and ledger entries) must be exactly what the pure
 * functions make of the same rows.
 */
describe('volume settlement in SQL against the pure reference (real PostgreSQL)', () => {
  let api: Awaited<ReturnType<typeof startSettlementApi>>;
  let fixture: SettlementFixture;
  let settlement: SettlementService;
  let pricing: PricingService;
  let volumes: VolumeUsageSource;
  let clock: number;

  beforeAll(async () => {
    api = await startSettlementApi('volume_settlement_sql', { SETTLEMENT_PERIOD_SECONDS: String(PERIOD) });
    fixture = new SettlementFixture(api.app.get(PrismaService));
    settlement = api.app.get(SettlementService);
    pricing = api.app.get(PricingService);
    volumes = api.app.get(VolumeUsageSource);
    // Prices that make the rounding matter: never a whole micro-unit per GiB-second, and a fee of 14.99 %.
    await fixture.prisma.priceList.create({
      data: {
        id: newId(),
        effectiveFrom: new Date(0),
        platformFeeBps: 1499,
        publicUdpPortPerHour: 0n,
        publicIpv4PerHour: 0n,
        createdBy: 'test',
        instanceTypePrices: { create: [{ instanceType: INSTANCE_TYPE, perHour: 5_400n }] },
        volumePrices: { create: [{ provider: 'statemesh', perGibHour: 1_801n }, { provider: 'local', perGibHour: 2_999n }, { provider: 's3', perGibHour: 7n }] },
      },
    });
    clock = periodStartOf(new Date(Date.now() - 30 * 24 * 3600_000), PERIOD).getTime();
    // The volume source's cursor starts at the first volume change ever recorded: one that bills nothing, at the start.
    await fixture.volume(await fixture.account(), new Date(clock), { status: 'error' });
  });

  afterAll(async () => {
    await api?.close();
  });

  it('writes exactly the lines, parts and postings the pure functions plan', async () => {
    const seen = { lines: 0, multiPart: 0, operatorParts: 0, platformParts: 0, resumed: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 3, maxLength: 40 }), async (events) => {
        const tenants = await Promise.all([0, 1, 2].map(() => fixture.account()));
        const operators = await Promise.all([0, 1].map(() => fixture.account()));
        const nodes: Array<string | null> = [...(await Promise.all([0, 1, 2].map((i) => fixture.node(i === 2 ? tenants[0] : operators[i])))), `gone${newId()}`, null];
        const created: Array<{ id: string; sizeGib: number }> = [];
        const start = clock;
        for (const e of [...events].sort((a, b) => a.at - b.at)) {
          const at = new Date(clock + e.at);
          if (e.kind === 'create') {
            created.push({ id: await fixture.volume(tenants[e.tenant], at, { provider: e.provider, sizeGib: e.sizeGib, nodeId: e.provider === 'local' ? nodes[e.node] : null, status: e.status }), sizeGib: e.sizeGib });
            continue;
          }
          const volume = created[e.volume % Math.max(created.length, 1)];
          if (!volume) continue;
          if (e.kind === 'resize') await fixture.volumeChange(volume.id, at, { sizeGib: (volume.sizeGib += e.grow) });
          else if (e.kind === 'attach') await fixture.volumeChange(volume.id, at, { status: 'attached', nodeId: nodes[e.node] });
          else if (e.kind === 'status') await fixture.volumeChange(volume.id, at, { status: e.status });
          else await fixture.volumeChange(volume.id, at, { status: 'deleted', deleted: true });
        }
        const run = await settlement.settleDuePeriods(new Date(clock + 3 * PERIOD * 1000), 1000);
        clock += 3 * PERIOD * 1000;
        expect(run.busy).toEqual([]);

        for (const periodStart of [0, 1, 2].map((i) => new Date(start + i * PERIOD * 1000))) {
          const actual = await writtenPeriod(fixture.prisma, 'volume', periodStart);
          expectWrittenAsPlanned(actual, await plannedPeriod(volumes, pricing, fixture.prisma, periodStart, PERIOD));
          seen.lines += actual.lines.length;
          seen.multiPart += actual.lines.filter((line) => line.parts.length > 1).length;
          seen.operatorParts += actual.lines.flatMap((line) => line.parts).filter((part) => part.operatorAccountId !== null).length;
          seen.resumed += actual.lines.filter((line) => new Set(line.parts.map((part) => `${part.nodeId}/${part.quantity}`)).size < line.parts.length).length;
          seen.platformParts += actual.lines.flatMap((line) => line.parts).filter((part) => part.operatorAccountId === null).length;
        }
      }),
      {
        numRuns: 20,
        // Besides random ones, a history with every case in it: a pause at the same size, a resize, a gone node, changes within one second.
        examples: [
          [
            [
              { kind: 'create', tenant: 0, provider: 'local', sizeGib: 2, node: 0, status: 'available', at: 500 },
              { kind: 'status', volume: 0, status: 'lost', at: 5_000 },
              { kind: 'status', volume: 0, status: 'available', at: 10_200 },
              { kind: 'resize', volume: 0, grow: 1, at: 12_300 },
              { kind: 'attach', volume: 0, node: 3, at: 14_000 },
              { kind: 'attach', volume: 0, node: 1, at: 16_700 },
              { kind: 'resize', volume: 0, grow: 2, at: 16_900 },
              { kind: 'create', tenant: 1, provider: 'statemesh', sizeGib: 3, node: 4, status: 'creating', at: 3_000 },
              { kind: 'status', volume: 1, status: 'error', at: 30_000 },
              { kind: 'status', volume: 1, status: 'available', at: 41_000 },
              { kind: 'create', tenant: 0, provider: 'local', sizeGib: 1, node: 4, status: 'available', at: 21_000 },
              { kind: 'attach', volume: 2, node: 2, at: 33_500 },
              { kind: 'delete', volume: 2, at: 50_000 },
              { kind: 'create', tenant: 2, provider: 's3', sizeGib: 5, node: 0, status: 'available', at: 1_000 },
            ],
          ],
        ],
      },
    );
    // The histories exercised what the rules are about: several runs in a line, operators' and the platform's volumes.
    expect(seen.multiPart).toBeGreaterThan(0);
    expect(seen.operatorParts).toBeGreaterThan(0);
    expect(seen.platformParts).toBeGreaterThan(0);
    expect(seen.resumed).toBeGreaterThan(0); // billable again after a pause, at the same size: a run of its own
  });

  it('records what a volume is billed for on every change of it, and only then', async () => {
    const tenant = await fixture.account();
    const operator = await fixture.account();
    const nodeId = await fixture.node(operator);
    // After the settled periods (a volume's history starts the source's cursor, so it must not be the earliest).
    const t0 = new Date(clock + 250);
    const id = await fixture.volume(tenant, t0, { provider: 'local', sizeGib: 4 });
    await fixture.prisma.$executeRaw`UPDATE volumes SET labels = '{"a":"b"}', name = 'renamed', "liveName" = 'renamed', "updatedAt" = ${new Date(t0.getTime() + 1000)} WHERE id = ${id}`;
    await fixture.volumeChange(id, new Date(t0.getTime() + 2000), { status: 'attached', nodeId });
    await fixture.volumeChange(id, new Date(t0.getTime() + 3000), { sizeGib: 8 });
    await fixture.volumeChange(id, new Date(t0.getTime() + 4000), { status: 'available' }); // still billable: nothing billed changed
    const before = new Date();
    await fixture.prisma.$executeRaw`UPDATE volumes SET status = 'lost' WHERE id = ${id}`; // updatedAt not set: the statement's time
    await fixture.volumeChange(id, new Date(t0.getTime() + 6000), { status: 'deleted', deleted: true }); // still not billable
    const history = await fixture.prisma.volumeUsageChange.findMany({ where: { volumeId: id }, orderBy: { id: 'asc' } });
    expect(history.map((row) => [row.accountId, row.provider, row.nodeId, row.sizeGib, row.billable])).toEqual([
      [tenant, 'local', null, 4, true],
      [tenant, 'local', nodeId, 4, true],
      [tenant, 'local', nodeId, 8, true],
      [tenant, 'local', nodeId, 8, false],
    ]);
    expect(history.slice(0, 3).map((row) => row.changedAt.getTime() - t0.getTime())).toEqual([0, 2000, 3000]);
    expect(history[3].changedAt.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
  });
});
