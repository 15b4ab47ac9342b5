import { periodStartOf } from '@statemesh/billing';
import { TransactionRunner, PrismaService } from '@statemesh/database';
import { ArrearsService, LedgerService, RunwayPolicy, SettlementService } from '@statemesh/wallets';
import { usageEarnings, usageList, walletsGet, walletsListTransactions } from '@statemesh/sdk';
import { signupUser } from '../support/admin';
import { send } from '../support/api-harness';
import { FEE_BPS, SettlementFixture, startSettlementApi } from './settlement-fixtures';

const PERIOD = 60;

describe('hourly settlement', () => {
  let api: Awaited<ReturnType<typeof startSettlementApi>>;
  let fixture: SettlementFixture;
  let settlement: SettlementService;
  let ledger: LedgerService;
  let transactions: TransactionRunner;
  // Periods well in the past, so each is closed whatever the clock says.
  const now = new Date();
  const p0 = new Date(periodStartOf(now, PERIOD).getTime() - 20 * PERIOD * 1000);
  const at = (seconds: number) => new Date(p0.getTime() + seconds * 1000);

  beforeAll(async () => {
    api = await startSettlementApi('settlement', { SETTLEMENT_PERIOD_SECONDS: String(PERIOD), MIN_RUNWAY_HOURS: '2', WALLET_GRACE_HOURS: '1' });
    fixture = new SettlementFixture(api.app.get(PrismaService));
    settlement = api.app.get(SettlementService);
    ledger = api.app.get(LedgerService);
    transactions = api.app.get(TransactionRunner);
    await fixture.prices();
  });

  afterAll(async () => {
    await api?.close();
  });

  async function credit(accountId: string, amountMicro: bigint): Promise<void> {
    await transactions.run((tx) =>
      ledger.postTransaction(tx, {
        type: 'credit',
        description: 'test credit',
        actor: 'test',
        postings: [
          { account: { kind: 'platform_funding' }, amountMicro: -amountMicro },
          { account: { kind: 'wallet', accountId }, amountMicro },
        ],
      }),
    );
  }

  it('charges the tenant and pays the operator and the platform exactly, once, across two periods; unreachable time is free', async () => {
    const tenant = await fixture.account();
    const operator = await fixture.account();
    await credit(tenant, 10_000_000n);
    const nodeA = await fixture.node(operator);
    const nodeB = await fixture.node(operator);

    // vm1 runs from 30 s into p0 to 30 s into p1 on node A: 30 s in each period.
    const vm1 = await fixture.vm(tenant, at(0));
    await fixture.vmStatus(vm1, tenant, 'running', nodeA, at(30));
    await fixture.vmStatus(vm1, tenant, 'stopping', nodeA, at(90));
    await fixture.vmStatus(vm1, tenant, 'stopped', null, at(91));
    // vm2 runs two whole periods on node B, which is unreachable from 20 s to 50 s into p0.
    const vm2 = await fixture.vm(tenant, at(0));
    await fixture.vmStatus(vm2, tenant, 'running', nodeB, at(0));
    await fixture.vmStatus(vm2, tenant, 'stopped', null, at(120));
    await fixture.nodeStatus(nodeB, 'unreachable', at(20));
    await fixture.nodeStatus(nodeB, 'active', at(50));

    const revenueBefore = await fixture.walletOf('platform_revenue');
    const run = await settlement.settleDuePeriods(now);
    expect(run.busy).toEqual([]);
    expect(run.settled[0].periodStart).toEqual(p0);
    expect(run.settled.length).toBeGreaterThanOrEqual(20);

    // 10 micro-units per second: vm1 60 s, vm2 120 - 30 s = 90 s → 1500; per period the fee is 15 % rounded down.
    const charges = [300n + 300n, 300n + 600n]; // [vm1, vm2] in p0 is 300 + 300 (vm2: 60 - 30 s); in p1 300 + 600
    const fees = charges.map((charge) => (charge * BigInt(FEE_BPS)) / 10_000n);
    const charged = charges.reduce((a, b) => a + b, 0n);
    const feeTotal = fees.reduce((a, b) => a + b, 0n);
    expect(await fixture.balance(tenant)).toBe(10_000_000n - charged);
    expect(await fixture.balance(operator)).toBe(charged - feeTotal);
    expect((await fixture.walletOf('platform_revenue')) - revenueBefore).toBe(feeTotal);

    const lines = await fixture.prisma.settlementLine.findMany({ where: { accountId: tenant }, orderBy: [{ periodStart: 'asc' }, { resourceId: 'asc' }] });
    expect(lines.map((line) => [line.resourceId, line.periodStart.getTime() - p0.getTime(), line.seconds, line.chargeMicro])).toEqual(
      [
        [vm1, 0, 30, 300n],
        [vm2, 0, 30, 300n],
        [vm1, 60_000, 30, 300n],
        [vm2, 60_000, 60, 600n],
      ].sort((a, b) => (a[1] as number) - (b[1] as number) || String(a[0]).localeCompare(String(b[0]))),
    );

    // Rerunning, or a worker that delivers the job again, changes nothing.
    const again = await settlement.settleDuePeriods(now);
    expect(again.settled).toEqual([]);
    expect(await fixture.balance(tenant)).toBe(10_000_000n - charged);
    expect(await fixture.balance(operator)).toBe(charged - feeTotal);
    expect((await ledger.reconcile()).consistent).toBe(true);
  });

  it('puts an account that cannot pay in arrears, and a credit clears it', async () => {
    const tenant = await fixture.account();
    const operator = await fixture.account();
    await credit(tenant, 100n);
    const node = await fixture.node(operator);
    const later = new Date(now.getTime() + 5 * PERIOD * 1000);
    const vm = await fixture.vm(tenant, now);
    await fixture.vmStatus(vm, tenant, 'running', node, now);

    await settlement.settleDuePeriods(later);
    expect(await fixture.balance(tenant)).toBeLessThan(0n);
    const arrears = api.app.get(ArrearsService);
    const inArrearsSince = (await fixture.prisma.wallet.findUnique({ where: { accountId: tenant } }))!.arrearsSince!;
    expect(inArrearsSince).toBeInstanceOf(Date);
    expect(await arrears.accountsPastGrace(new Date(inArrearsSince.getTime() + 3_600_000 - 1))).not.toContain(tenant);
    expect(await arrears.accountsPastGrace(new Date(inArrearsSince.getTime() + 3_600_000 + 1))).toContain(tenant);

    await credit(tenant, 10_000_000n);
    expect((await fixture.prisma.wallet.findUnique({ where: { accountId: tenant } }))!.arrearsSince).toBeNull();
    expect(await arrears.accountsPastGrace(new Date(inArrearsSince.getTime() + 10 * 3_600_000))).not.toContain(tenant);
  });

  it('refuses with 402 to run what the balance cannot cover for MIN_RUNWAY_HOURS, naming the shortfall', async () => {
    const tenant = await fixture.account();
    const runway = api.app.get(RunwayPolicy);
    const price = await runway.hourlyPriceOfVm({ instanceType: 's1.small', udpPorts: 1 });
    expect(price).toBe(36_000n + 3_600n);
    await credit(tenant, 2n * price - 1n);
    await expect(runway.assertCanRun(tenant, price)).rejects.toMatchObject({
      code: 'wallet.insufficient_funds',
      status: 402,
      extensions: { required: String(2n * price), shortfall: '1', balance: String(2n * price - 1n) },
    });
    await credit(tenant, 1n);
    await expect(runway.assertCanRun(tenant, price)).resolves.toBeUndefined();

    // A running VM counts toward the burn rate: the next one needs room for both.
    const operator = await fixture.account();
    const node = await fixture.node(operator);
    const vm = await fixture.vm(tenant, now);
    await fixture.vmStatus(vm, tenant, 'running', node, now);
    await expect(runway.assertCanRun(tenant, price)).rejects.toMatchObject({ extensions: { burnRatePerHour: '36000' } });
  });

  it('shows the burn rate, the settlement on the statement, usage per resource and hour, and earnings per node and hour', async () => {
    const tenant = await signupUser(api);
    const operator = await signupUser(api);
    await credit(tenant.accountId, 5_000_000n);
    const node = await fixture.node(operator.accountId);
    // After every period settled so far (usage recorded after its period was settled is never billed).
    const start = new Date(periodStartOf(now, 3600).getTime() + 2 * 3600_000);
    const vm = await fixture.vm(tenant.accountId, start, { udpPorts: 1 });
    await fixture.vmStatus(vm, tenant.accountId, 'running', node, start);
    await settlement.settleDuePeriods(new Date(start.getTime() + 2 * 3600_000), 1000);

    const wallet = await send(walletsGet({ client: tenant.client, path: { accountId: tenant.accountId } }));
    expect(wallet.data).toMatchObject({ burnRatePerHour: String(36_000 + 3_600) });

    const statement = await send(walletsListTransactions({ client: tenant.client, path: { accountId: tenant.accountId }, query: { type: 'settlement', limit: 200 } }));
    expect(statement.status).toBe(200);
    expect(statement.data!.items.length).toBe(120); // two hours of one-minute periods
    expect(statement.data!.items.every((item) => item.amount === '-660')).toBe(true); // 600 compute + 60 for the port

    const byResource = await send(usageList({ client: tenant.client, path: { accountId: tenant.accountId }, query: { from: start.toISOString(), to: new Date(start.getTime() + 5 * 3600_000).toISOString() } }));
    expect(byResource.data).toEqual({
      items: [{ resourceKind: 'vm', resourceId: vm, hour: null, from: start.toISOString(), to: new Date(start.getTime() + 2 * 3600_000).toISOString(), seconds: 7200, count: 120, charge: '79200', currency: 'USD' }],
      nextCursor: null,
    });
    const byHour = await send(usageList({ client: tenant.client, path: { accountId: tenant.accountId }, query: { from: start.toISOString(), to: new Date(start.getTime() + 5 * 3600_000).toISOString(), groupBy: 'hour', limit: 1 } }));
    expect(byHour.data!.items).toEqual([expect.objectContaining({ hour: new Date(start.getTime() + 3600_000).toISOString(), seconds: 3600, count: 1, charge: '39600' })]);
    const nextHour = await send(usageList({ client: tenant.client, path: { accountId: tenant.accountId }, query: { from: start.toISOString(), to: new Date(start.getTime() + 5 * 3600_000).toISOString(), groupBy: 'hour', cursor: byHour.data!.nextCursor! } }));
    expect(nextHour.data!.items.map((item) => item.hour)).toEqual([start.toISOString()]);

    const earnings = await send(usageEarnings({ client: operator.client, path: { accountId: operator.accountId }, query: { from: start.toISOString(), to: new Date(start.getTime() + 5 * 3600_000).toISOString() } }));
    const perPeriodFee = (600n * BigInt(FEE_BPS)) / 10_000n;
    expect(earnings.data!.items).toEqual([
      { nodeId: node, hour: new Date(start.getTime() + 3600_000).toISOString(), seconds: 3600, resources: 1, gross: '36000', platformFee: String(60n * perPeriodFee), earnings: String(36_000n - 60n * perPeriodFee), currency: 'USD' },
      expect.objectContaining({ nodeId: node, hour: start.toISOString() }),
    ]);
    expect(operator.accountId).not.toBe(tenant.accountId);
    expect(await fixture.balance(operator.accountId)).toBe(2n * (36_000n - 60n * perPeriodFee));

    const backwards = await send(usageList({ client: tenant.client, path: { accountId: tenant.accountId }, query: { from: start.toISOString(), to: new Date(start.getTime() - 1).toISOString() } }));
    expect(backwards.status).toBe(422);
    expect(backwards.error).toMatchObject({ code: 'wallet.invalid_time_range' });
    const stranger = await send(usageEarnings({ client: tenant.client, path: { accountId: operator.accountId } }));
    expect(stranger.status).toBe(404);
  });

  it('settles a period in tenant shards at once; a shard that fails leaves the cursor, and the next run settles only what is left', async () => {
    await settlement.settleDuePeriods(now); // the cursor exists and is where the other tests left it
    const [{ settledUntil }] = await fixture.prisma.$queryRaw<Array<{ settledUntil: Date }>>`SELECT "settledUntil" FROM settlement_cursors WHERE source = 'vm'`;
    const start = settledUntil.getTime();
    const operator = await fixture.account();
    const node = await fixture.node(operator);
    // Tenants until both shards of two have some (a tenant's shard is a hash of its id).
    const tenants: Array<{ id: string; vm: string; shard: number }> = [];
    while (new Set(tenants.map((tenant) => tenant.shard)).size < 2 || tenants.length < 4) {
      const id = await fixture.account();
      await credit(id, 1_000_000n);
      const vm = await fixture.vm(id, new Date(start));
      await fixture.vmStatus(vm, id, 'running', node, new Date(start + 15_000)); // 45 s of the period: 450
      const [{ shard }] = await fixture.prisma.$queryRaw<Array<{ shard: number }>>`SELECT ((hashtextextended(${id}, 0) & 1023) % 2)::int AS shard`;
      tenants.push({ id, vm, shard });
    }
    const periodEnd = new Date(start + PERIOD * 1000);

    // The first shard to post its ledger transactions fails; the other commits.
    const spy = jest.spyOn(ledger, 'postStaged').mockRejectedValueOnce(new Error('worker crashed'));
    await expect(settlement.settleDuePeriods(periodEnd, 1)).rejects.toThrow('worker crashed');
    spy.mockRestore();
    const cursor = await fixture.prisma.settlementCursor.findUnique({ where: { source: 'vm' } });
    expect(cursor!.settledUntil).toEqual(settledUntil);
    const charged = async () => {
      const balances = await Promise.all(tenants.map(async (tenant) => ({ ...tenant, balance: await fixture.balance(tenant.id) })));
      return balances.filter((tenant) => tenant.balance !== 1_000_000n);
    };
    const first = await charged();
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(tenants.length);
    expect(new Set(first.map((tenant) => tenant.shard)).size).toBe(1); // one whole shard committed, nothing of the other

    const run = await settlement.settleDuePeriods(periodEnd, 1);
    const vmPeriods = run.settled.filter((period) => period.source === 'vm');
    expect(vmPeriods).toHaveLength(1);
    expect(vmPeriods[0].shards).toBe(2);
    for (const tenant of tenants) expect(await fixture.balance(tenant.id)).toBe(1_000_000n - 450n);
    const lines = await fixture.prisma.settlementLine.findMany({ where: { resourceId: { in: tenants.map((tenant) => tenant.vm) } } });
    expect(lines).toHaveLength(tenants.length);
    expect((await fixture.prisma.settlementCursor.findUnique({ where: { source: 'vm' } }))!.settledUntil).toEqual(periodEnd);
    expect((await ledger.reconcile()).consistent).toBe(true);
  });

  it('checks that every settlement line part has its line, once per statement', async () => {
    await expect(
      fixture.prisma.$executeRaw`
        INSERT INTO settlement_line_parts ("lineId", position, component, "periodStart", seconds, quantity, "pricePerHourMicro", "chargeMicro", "operatorShareMicro", "platformFeeMicro")
        VALUES ('no-such-line', 0, 'compute', now(), 1, 1, 0, 0, 0, 0)`,
    ).rejects.toThrow(/does not exist/);
  });
});
