import * as fc from 'fast-check';
import { chargeFor } from './metering';
import { planSettlement, sumPostings, type ResourceHourUsage } from './settlement-plan';

const usage = (overrides: Partial<ResourceHourUsage> = {}): ResourceHourUsage => ({
  resourceId: 'vm1',
  resourceType: 'vm',
  tenantAccountId: 'tenant',
  operatorAccountId: 'operator',
  seconds: 3600,
  pricePerHourMicro: 1_000_000n,
  ...overrides,
});

describe('planSettlement', () => {
  it('debits the tenant and credits the operator and the platform', () => {
    const [settlement] = planSettlement([usage()], 1500);
    expect(settlement).toMatchObject({
      chargeMicro: 1_000_000n,
      operatorShareMicro: 850_000n,
      platformFeeMicro: 150_000n,
    });
    expect(settlement.postings).toEqual([
      { account: { kind: 'wallet', accountId: 'tenant' }, amountMicro: -1_000_000n, role: 'usage_charge' },
      { account: { kind: 'wallet', accountId: 'operator' }, amountMicro: 850_000n, role: 'operator_earning' },
      { account: { kind: 'platform_revenue' }, amountMicro: 150_000n, role: 'platform_fee' },
    ]);
    expect(sumPostings(settlement.postings)).toBe(0n);
  });

  it('charges for the seconds used, rounded half up', () => {
    const [settlement] = planSettlement([usage({ seconds: 1, pricePerHourMicro: 1_000_000n })], 1500);
    expect(settlement.chargeMicro).toBe(278n);
    expect(settlement.operatorShareMicro + settlement.platformFeeMicro).toBe(278n);
  });

  it('gives the whole charge to the platform when no operator served the resource', () => {
    const [settlement] = planSettlement(
      [usage({ resourceId: 'vol1', resourceType: 'volume', operatorAccountId: null, pricePerHourMicro: 2_000n })],
      1500,
    );
    expect(settlement.postings).toEqual([
      { account: { kind: 'wallet', accountId: 'tenant' }, amountMicro: -2_000n, role: 'usage_charge' },
      { account: { kind: 'platform_revenue' }, amountMicro: 2_000n, role: 'platform_fee' },
    ]);
  });

  it('leaves out postings of nothing', () => {
    const [noFee] = planSettlement([usage()], 0);
    expect(noFee.postings.map((posting) => posting.role)).toEqual(['usage_charge', 'operator_earning']);
    const [allFee] = planSettlement([usage()], 10_000);
    expect(allFee.postings.map((posting) => posting.role)).toEqual(['usage_charge', 'platform_fee']);
  });

  it('leaves out usages that cost nothing', () => {
    const plan = planSettlement(
      [
        usage({ resourceId: 'idle', seconds: 0 }),
        usage({ resourceId: 'free', pricePerHourMicro: 0n }),
        usage({ resourceId: 'tiny', seconds: 1, pricePerHourMicro: 1_000n }),
        usage({ resourceId: 'paid' }),
      ],
      1500,
    );
    expect(plan.map((settlement) => settlement.usage.resourceId)).toEqual(['paid']);
  });

  it('keeps both postings when operators rent their own nodes', () => {
    const [settlement] = planSettlement([usage({ tenantAccountId: 'same', operatorAccountId: 'same' })], 1500);
    expect(settlement.postings).toHaveLength(3);
    expect(sumPostings(settlement.postings)).toBe(0n);
  });

  it('settles a resource that moved between operators within the hour', () => {
    const plan = planSettlement(
      [usage({ operatorAccountId: 'first', seconds: 1200 }), usage({ operatorAccountId: 'second', seconds: 2400 })],
      1000,
    );
    expect(plan.map((settlement) => settlement.chargeMicro)).toEqual([333_333n, 666_667n]);
  });

  it.each<[string, ResourceHourUsage[], number]>([
    ['the same usage twice', [usage(), usage()], 1500],
    [
      'more than an hour for one resource',
      [usage({ operatorAccountId: 'a' }), usage({ operatorAccountId: 'b', seconds: 1 })],
      1500,
    ],
    ['more than 3600 seconds', [usage({ seconds: 3601 })], 1500],
    ['negative seconds', [usage({ seconds: -1 })], 1500],
    ['fractional seconds', [usage({ seconds: 0.5 })], 1500],
    ['a negative price', [usage({ pricePerHourMicro: -1n })], 1500],
    ['a fee above 100%', [usage({ operatorAccountId: null })], 10_001],
  ])('refuses %s', (_, usages, bps) => {
    expect(() => planSettlement(usages, bps)).toThrow(RangeError);
  });

  it('tells a VM and a volume with the same id apart', () => {
    const plan = planSettlement([usage({ resourceId: 'x' }), usage({ resourceId: 'x', resourceType: 'volume' })], 1500);
    expect(plan).toHaveLength(2);
  });
});

describe('settlement properties', () => {
  const account = fc.constantFrom('a', 'b', 'c', 'd');
  const usages = fc.uniqueArray(
    fc.record({
      resourceId: fc.string({ minLength: 1, maxLength: 6 }),
      resourceType: fc.constantFrom<'vm' | 'volume'>('vm', 'volume'),
      tenantAccountId: account,
      operatorAccountId: fc.option(account),
      seconds: fc.integer({ min: 0, max: 3600 }),
      pricePerHourMicro: fc.bigInt({ min: 0n, max: 10n ** 12n }),
    }),
    { selector: (u) => `${u.resourceType}/${u.resourceId}`, maxLength: 30 },
  );
  const bps = fc.integer({ min: 0, max: 10_000 });

  it('balances every transaction: postings sum to zero, with no zero amounts', () => {
    fc.assert(
      fc.property(usages, bps, (list, fee) => {
        for (const settlement of planSettlement(list, fee)) {
          expect(sumPostings(settlement.postings)).toBe(0n);
          expect(settlement.chargeMicro).toBeGreaterThan(0n);
          expect(settlement.operatorShareMicro + settlement.platformFeeMicro).toBe(settlement.chargeMicro);
          for (const posting of settlement.postings) expect(posting.amountMicro).not.toBe(0n);
          const debits = settlement.postings.filter((posting) => posting.amountMicro < 0n);
          const tenant = { kind: 'wallet', accountId: settlement.usage.tenantAccountId };
          expect(debits).toEqual([{ account: tenant, amountMicro: -settlement.chargeMicro, role: 'usage_charge' }]);
        }
      }),
    );
  });

  it('moves exactly what tenants pay to operators and the platform', () => {
    fc.assert(
      fc.property(usages, bps, (list, fee) => {
        const plan = planSettlement(list, fee);
        const charged = plan.reduce((total, settlement) => total + settlement.chargeMicro, 0n);
        const credited = plan
          .flatMap((settlement) => settlement.postings)
          .filter((posting) => posting.amountMicro > 0n)
          .reduce((total, posting) => total + posting.amountMicro, 0n);
        expect(credited).toBe(charged);
        const unserved = plan.filter((settlement) => settlement.usage.operatorAccountId === null);
        for (const settlement of unserved) expect(settlement.operatorShareMicro).toBe(0n);
      }),
    );
  });

  it('plans a settlement for exactly the usages that cost something', () => {
    fc.assert(
      fc.property(usages, bps, (list, fee) => {
        const costing = list.filter((u) => chargeFor(u.seconds, u.pricePerHourMicro) > 0n);
        expect(planSettlement(list, fee).map((settlement) => settlement.usage)).toEqual(costing);
      }),
    );
  });
});
