import * as fc from 'fast-check';
import { planPeriodSettlement, tenantSettlements, type ResourcePeriodUsage, type UsagePart } from './period-settlement';
import { sumPostings } from './settlement-plan';

const compute = (overrides: Partial<UsagePart> = {}): UsagePart => ({
  component: 'compute',
  nodeId: 'node1',
  operatorAccountId: 'operator',
  seconds: 3600,
  quantity: 1,
  pricePerHourMicro: 1_000_000n,
  ...overrides,
});
const ports = (count: number, seconds = 3600): UsagePart => ({
  component: 'public_udp_ports',
  nodeId: null,
  operatorAccountId: null,
  seconds,
  quantity: count,
  pricePerHourMicro: 1_000n,
});
const vm = (id: string, parts: UsagePart[], tenant = 'tenant'): ResourcePeriodUsage => ({
  resourceKind: 'vm',
  resourceId: id,
  tenantAccountId: tenant,
  seconds: parts.filter((p) => p.component === 'compute').reduce((a, p) => a + p.seconds, 0),
  parts,
});

describe('planPeriodSettlement', () => {
  it('charges compute per second with the fee split, and UDP ports to the platform', () => {
    const [line] = planPeriodSettlement([vm('vm1', [compute({ seconds: 1800 }), ports(2)])], 1500, 3600);
    expect(line).toMatchObject({ resourceId: 'vm1', seconds: 1800, chargeMicro: 502_000n });
    expect(line.parts).toEqual([
      expect.objectContaining({ component: 'compute', chargeMicro: 500_000n, operatorShareMicro: 425_000n, platformFeeMicro: 75_000n }),
      expect.objectContaining({ component: 'public_udp_ports', chargeMicro: 2_000n, operatorShareMicro: 0n, platformFeeMicro: 2_000n }),
    ]);
  });

  it('drops parts with no time and resources with no part', () => {
    const lines = planPeriodSettlement([vm('idle', [compute({ seconds: 0 })]), vm('ports-only', [compute({ seconds: 0 }), ports(1, 60)])], 1500, 3600);
    expect(lines.map((l) => [l.resourceId, l.parts.map((p) => p.component)])).toEqual([['ports-only', ['public_udp_ports']]]);
  });

  it('keeps a line that used time at a zero price', () => {
    const [line] = planPeriodSettlement([vm('free', [compute({ pricePerHourMicro: 0n })])], 1500, 3600);
    expect(line.chargeMicro).toBe(0n);
    expect(tenantSettlements([line])).toEqual([]);
  });

  it('works with periods shorter than an hour (prices stay per hour)', () => {
    const [line] = planPeriodSettlement([vm('vm1', [compute({ seconds: 5 })])], 0, 5);
    expect(line.chargeMicro).toBe(1_389n); // 1,000,000 × 5 / 3600 = 1388.9
  });

  it.each<[string, ResourcePeriodUsage[], number, number]>([
    ['a resource twice', [vm('a', [compute()]), vm('a', [compute()])], 1500, 3600],
    ['compute beyond the period', [vm('a', [compute({ seconds: 2000 }), compute({ nodeId: 'n2', seconds: 2000 })])], 1500, 3600],
    ['a part beyond the period', [vm('a', [compute({ seconds: 61 })])], 1500, 60],
    ['fractional seconds', [vm('a', [compute({ seconds: 1.5 })])], 1500, 3600],
    ['zero quantity', [vm('a', [ports(0)])], 1500, 3600],
    ['a negative price', [vm('a', [compute({ pricePerHourMicro: -1n })])], 1500, 3600],
    ['a node without operator', [vm('a', [compute({ operatorAccountId: null })])], 1500, 3600],
    ['a fee above 100 %', [], 10_001, 3600],
    ['a zero period', [], 1500, 0],
  ])('refuses %s', (_, usages, bps, period) => {
    expect(() => planPeriodSettlement(usages, bps, period)).toThrow(RangeError);
  });
});

describe('tenantSettlements', () => {
  it('makes one transaction per tenant: the tenant pays, each operator and the platform get theirs', () => {
    const lines = planPeriodSettlement(
      [
        vm('a', [compute({ operatorAccountId: 'op2', nodeId: 'n2' })], 't1'),
        vm('b', [compute({ seconds: 1800 }), compute({ nodeId: 'n3', operatorAccountId: 'op2', seconds: 1800 }), ports(1)], 't1'),
        vm('c', [compute()], 't0'),
      ],
      1000,
      3600,
    );
    const [t0, t1] = tenantSettlements(lines);
    expect(t0).toEqual({
      tenantAccountId: 't0',
      chargeMicro: 1_000_000n,
      lineCount: 1,
      postings: [
        { account: { kind: 'wallet', accountId: 't0' }, amountMicro: -1_000_000n, role: 'usage_charge' },
        { account: { kind: 'wallet', accountId: 'operator' }, amountMicro: 900_000n, role: 'operator_earning' },
        { account: { kind: 'platform_revenue' }, amountMicro: 100_000n, role: 'platform_fee' },
      ],
    });
    expect(t1.postings).toEqual([
      { account: { kind: 'wallet', accountId: 't1' }, amountMicro: -2_001_000n, role: 'usage_charge' },
      { account: { kind: 'wallet', accountId: 'op2' }, amountMicro: 1_350_000n, role: 'operator_earning' },
      { account: { kind: 'wallet', accountId: 'operator' }, amountMicro: 450_000n, role: 'operator_earning' },
      { account: { kind: 'platform_revenue' }, amountMicro: 201_000n, role: 'platform_fee' },
    ]);
  });

  it('pays a tenant that runs on its own nodes like any operator', () => {
    const [settlement] = tenantSettlements(planPeriodSettlement([vm('a', [compute({ operatorAccountId: 'tenant' })])], 1500, 3600));
    expect(settlement.postings.map((p) => p.amountMicro)).toEqual([-1_000_000n, 850_000n, 150_000n]);
  });

  it('leaves out a platform fee of nothing', () => {
    const [settlement] = tenantSettlements(planPeriodSettlement([vm('a', [compute()])], 0, 3600));
    expect(settlement.postings.map((p) => p.role)).toEqual(['usage_charge', 'operator_earning']);
  });

  it('balances every transaction and moves exactly what the lines charge', () => {
    const account = fc.constantFrom('a', 'b', 'c', 'd');
    const part = fc.oneof(
      fc.record({
        component: fc.constant('compute' as const),
        nodeId: fc.constantFrom('n1', 'n2'),
        operatorAccountId: account,
        seconds: fc.integer({ min: 0, max: 1800 }),
        quantity: fc.constant(1),
        pricePerHourMicro: fc.bigInt({ min: 0n, max: 10n ** 10n }),
      }),
      fc.record({
        component: fc.constant('public_udp_ports' as const),
        nodeId: fc.constant(null),
        operatorAccountId: fc.constant(null),
        seconds: fc.integer({ min: 0, max: 3600 }),
        quantity: fc.integer({ min: 1, max: 5 }),
        pricePerHourMicro: fc.bigInt({ min: 0n, max: 10n ** 6n }),
      }),
    );
    const usages = fc.uniqueArray(
      fc.record({ resourceId: fc.string({ minLength: 1, maxLength: 4 }), tenantAccountId: account, parts: fc.array(part, { maxLength: 3 }) }),
      { selector: (u) => u.resourceId, maxLength: 20 },
    );
    fc.assert(
      fc.property(usages, fc.integer({ min: 0, max: 10_000 }), (list, bps) => {
        const computeOnly = list.map((u) => ({
          ...u,
          resourceKind: 'vm' as const,
          // at most two compute parts of ≤ 1800 s each: never beyond the hour
          parts: u.parts.filter((p, i, all) => p.component !== 'compute' || all.slice(0, i).filter((q) => q.component === 'compute').length < 2),
          seconds: 0,
        }));
        const lines = planPeriodSettlement(computeOnly, bps, 3600);
        for (const line of lines) {
          expect(line.chargeMicro).toBe(line.parts.reduce((a, p) => a + p.chargeMicro, 0n));
          for (const p of line.parts) expect(p.operatorShareMicro + p.platformFeeMicro).toBe(p.chargeMicro);
        }
        const settlements = tenantSettlements(lines);
        for (const s of settlements) {
          expect(sumPostings(s.postings)).toBe(0n);
          for (const p of s.postings) expect(p.amountMicro).not.toBe(0n);
          expect(s.chargeMicro).toBeGreaterThan(0n);
        }
        const charged = settlements.reduce((a, s) => a + s.chargeMicro, 0n);
        expect(charged).toBe(lines.reduce((a, l) => a + l.chargeMicro, 0n));
      }),
    );
  });
});
