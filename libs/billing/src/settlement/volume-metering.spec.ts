import * as fc from 'fast-check';
import { planPeriodSettlement } from './period-settlement';
import { isVolumeBillable, volumePeriodUsage, type VolumePeriodRecord, type VolumeUsageChange } from './volume-metering';

const START = new Date('2026-03-01T10:00:00Z');
const END = new Date('2026-03-01T11:00:00Z');
const t = (minutes: number, seconds = 0) => new Date(START.getTime() + minutes * 60_000 + seconds * 1000);
const size = (at: Date, sizeGib: number, nodeId: string | null = null): VolumeUsageChange => ({ at, sizeGib, nodeId, billable: true });
const gone = (at: Date, sizeGib = 10, nodeId: string | null = null): VolumeUsageChange => ({ at, sizeGib, nodeId, billable: false });
const operators = new Map([
  ['n1', 'op1'],
  ['n2', 'op2'],
]);
const prices = { volumePerGibHour: { statemesh: 100n, local: 40n, s3: 7n } };
const volume = (provider: string, changes: VolumeUsageChange[]): VolumePeriodRecord => ({ id: 'vol1', accountId: 'tenant', provider, changes });
/** [nodeId, operator, seconds, GiB] per part. */
const partsOf = (v: VolumePeriodRecord) => volumePeriodUsage(v, operators, prices, START, END).parts.map((p) => [p.nodeId, p.operatorAccountId, p.seconds, p.quantity]);

describe('isVolumeBillable', () => {
  it.each([
    ['creating', null, true],
    ['available', null, true],
    ['attached', null, true],
    ['detaching', null, true],
    ['deleting', null, false],
    ['deleted', null, false],
    ['lost', null, false],
    ['error', null, false],
    ['available', t(0), false],
  ] as const)('%s (deletedAt %s): %s', (status, deletedAt, expected) => {
    expect(isVolumeBillable(status, deletedAt)).toBe(expected);
  });
});

describe('volumePeriodUsage', () => {
  it.each<[string, string, VolumeUsageChange[], Array<[string | null, string | null, number, number]>]>([
    ['no history', 'statemesh', [], []],
    ['existed the whole period', 'statemesh', [size(t(-90), 10)], [[null, null, 3600, 10]]],
    ['created half way', 'statemesh', [size(t(30), 10)], [[null, null, 1800, 10]]],
    ['created after the period', 'statemesh', [size(t(60), 10)], []],
    ['deleted after ten minutes', 'statemesh', [size(t(-5), 10), gone(t(10))], [[null, null, 600, 10]]],
    ['deleted before the period', 'statemesh', [gone(t(-5))], []],
    ['resized: one part per size', 'statemesh', [size(t(-5), 10), size(t(20), 50)], [[null, null, 1200, 10], [null, null, 2400, 50]]],
    ['lost, then usable again: two runs', 'statemesh', [size(t(-5), 10), gone(t(10)), size(t(40), 10)], [[null, null, 600, 10], [null, null, 1200, 10]]],
    ['a change with nothing billed changed continues the run', 'statemesh', [size(t(-5), 10), size(t(20), 10)], [[null, null, 3600, 10]]],
    ['local on a node: its operator', 'local', [size(t(-5), 10, 'n1')], [['n1', 'op1', 3600, 10]]],
    ['local, bound half way', 'local', [size(t(-5), 10), size(t(30), 10, 'n1')], [[null, null, 1800, 10], ['n1', 'op1', 1800, 10]]],
    ['local on a node that no longer exists: not charged', 'local', [size(t(-5), 10, 'gone-node')], []],
    ['the node does not count for statemesh', 'statemesh', [size(t(-5), 10, 'n1')], [[null, null, 3600, 10]]],
    ['nor for s3', 's3', [size(t(-5), 10, 'n1')], [[null, null, 3600, 10]]],
    ['changes at the same instant: the last one wins', 'statemesh', [size(t(0), 10), gone(t(30)), size(t(30), 20)], [[null, null, 1800, 10], [null, null, 1800, 20]]],
    ['changes within one second: the earlier lasts nothing', 'statemesh', [size(t(-1), 10), size(new Date(t(30).getTime() + 200), 20), size(new Date(t(30).getTime() + 700), 10)], [[null, null, 3600, 10]]],
    ['times are truncated to whole seconds', 'statemesh', [size(new Date(t(10).getTime() + 999), 10), gone(new Date(t(20).getTime() + 1))], [[null, null, 600, 10]]],
    ['no size bills nothing', 'statemesh', [size(t(-5), 0)], []],
  ])('%s', (_, provider, changes, expected) => {
    expect(partsOf(volume(provider, changes))).toEqual(expected);
  });

  it('prices by provider per GiB-hour, platform revenue for statemesh, operator share for local', () => {
    const usage = volumePeriodUsage(volume('local', [size(t(-5), 10, 'n2')]), operators, prices, START, END);
    expect(usage).toEqual({
      resourceKind: 'volume',
      resourceId: 'vol1',
      tenantAccountId: 'tenant',
      seconds: 3600,
      parts: [{ component: 'storage', nodeId: 'n2', operatorAccountId: 'op2', seconds: 3600, quantity: 10, pricePerHourMicro: 40n }],
    });
    const [line] = planPeriodSettlement([usage], 1500, 3600);
    expect(line.chargeMicro).toBe(400n);
    expect(line.parts[0]).toMatchObject({ operatorShareMicro: 340n, platformFeeMicro: 60n });
    const [platform] = planPeriodSettlement([volumePeriodUsage(volume('s3', [size(t(-5), 3)]), operators, prices, START, END)], 1500, 3600);
    expect(platform.parts[0]).toMatchObject({ chargeMicro: 21n, operatorShareMicro: 0n, platformFeeMicro: 21n });
  });

  it('charges nothing for a provider the price list does not price', () => {
    const usage = volumePeriodUsage(volume('statemesh', [size(t(-5), 10)]), operators, { volumePerGibHour: {} }, START, END);
    expect(usage.parts.map((p) => p.pricePerHourMicro)).toEqual([0n]);
  });

  it('is the same whatever order changes at distinct instants are given in', () => {
    const changes = [size(t(-5), 10, 'n1'), size(t(20), 20, 'n1'), gone(t(50))];
    expect(partsOf(volume('local', [...changes].reverse()))).toEqual(partsOf(volume('local', changes)));
  });

  describe('properties', () => {
    const PERIOD = 3600;
    const change = fc.record({
      at: fc.integer({ min: -2 * PERIOD * 1000, max: 2 * PERIOD * 1000 }).map((ms) => new Date(START.getTime() + ms)),
      sizeGib: fc.integer({ min: 0, max: 4 }),
      nodeId: fc.option(fc.constantFrom('n1', 'n2', 'gone-node'), { freq: 3 }),
      billable: fc.boolean(),
    });
    const record = fc.record({ provider: fc.constantFrom('statemesh', 'local', 's3'), changes: fc.array(change, { maxLength: 12 }) }).map(({ provider, changes }) =>
      volume(provider, [...changes].sort((a, b) => a.at.getTime() - b.at.getTime())),
    );
    const hours = (n: number) => new Date(START.getTime() + n * PERIOD * 1000);

    it('never bills more than the period; the line is the sum of its parts; parts are whole, positive and never continue each other', () => {
      fc.assert(
        fc.property(record, (v) => {
          const usage = volumePeriodUsage(v, operators, prices, START, END);
          expect(usage.seconds).toBeLessThanOrEqual(PERIOD);
          expect(usage.seconds).toBe(usage.parts.reduce((total, part) => total + part.seconds, 0));
          for (const part of usage.parts) {
            expect(Number.isInteger(part.seconds) && part.seconds > 0).toBe(true);
            expect(part.quantity).toBeGreaterThanOrEqual(1);
            expect(part.component).toBe('storage');
            expect(part.nodeId === null).toBe(part.operatorAccountId === null);
            if (v.provider !== 'local') expect(part.nodeId).toBeNull();
            if (part.nodeId !== null) expect(part.operatorAccountId).toBe(operators.get(part.nodeId));
          }
          planPeriodSettlement([usage], 1500, PERIOD); // settlement accepts it
        }),
      );
    });

    it('consecutive periods add up to their union, per size and node', () => {
      fc.assert(
        fc.property(record, fc.integer({ min: -1, max: 1 }), (v, first) => {
          const gibSeconds = (from: Date, to: Date) => {
            const usage = volumePeriodUsage(v, operators, prices, from, to);
            const byKey = new Map<string, number>();
            for (const part of usage.parts) byKey.set(`${part.nodeId}/${part.quantity}`, (byKey.get(`${part.nodeId}/${part.quantity}`) ?? 0) + part.seconds);
            return { seconds: usage.seconds, byKey };
          };
          const a = gibSeconds(hours(first), hours(first + 1));
          const b = gibSeconds(hours(first + 1), hours(first + 2));
          const both = gibSeconds(hours(first), hours(first + 2));
          expect(a.seconds + b.seconds).toBe(both.seconds);
          const summed = new Map(a.byKey);
          for (const [key, seconds] of b.byKey) summed.set(key, (summed.get(key) ?? 0) + seconds);
          expect(summed).toEqual(both.byKey);
        }),
      );
    });

    it('bills exactly the whole seconds a billable change lasts, whatever the milliseconds', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: PERIOD - 1 }), fc.integer({ min: 1, max: PERIOD }), fc.nat(999), fc.nat(999), (from, length, msA, msB) => {
          const to = Math.min(from + length, PERIOD);
          const usage = volumePeriodUsage(
            volume('statemesh', [size(new Date(START.getTime() + from * 1000 + msA), 5), gone(new Date(START.getTime() + to * 1000 + msB))]),
            operators,
            prices,
            START,
            END,
          );
          expect(usage.seconds).toBe(to - from);
        }),
      );
    });
  });
});
