import * as fc from 'fast-check';
import { billableSecondsByNode, secondsWithin, unreachableRanges, vmPeriodUsage, type PlacedStatusChange } from './vm-metering';
import type { TimeRange } from './metering';

const START = new Date('2026-03-01T10:00:00Z');
const END = new Date('2026-03-01T11:00:00Z');
const t = (minutes: number, seconds = 0) => new Date(START.getTime() + minutes * 60_000 + seconds * 1000);
const run = (minutes: number, nodeId: string | null = 'n1'): PlacedStatusChange => ({ at: t(minutes), billable: true, nodeId });
const halt = (minutes: number, nodeId: string | null = 'n1'): PlacedStatusChange => ({ at: t(minutes), billable: false, nodeId });
const byNode = (entries: Array<[string, number]>) => new Map(entries);
const none = new Map<string, TimeRange[]>();

describe('billableSecondsByNode', () => {
  it.each<[string, PlacedStatusChange[], Map<string, TimeRange[]>, Map<string, number>]>([
    ['no history', [], none, byNode([])],
    ['running since before the period', [run(-90)], none, byNode([['n1', 3600]])],
    ['started half way', [halt(-10), run(30)], none, byNode([['n1', 1800]])],
    ['stopped after ten minutes', [run(-10), halt(10)], none, byNode([['n1', 600]])],
    ['started after the period', [run(61)], none, byNode([])],
    ['moved to another node', [run(-5, 'n1'), halt(20, 'n1'), run(25, 'n2')], none, byNode([['n1', 1200], ['n2', 2100]])],
    ['came back to the first node', [run(0, 'n1'), run(10, 'n2'), run(40, 'n1')], none, byNode([['n1', 1800], ['n2', 1800]])],
    ['running without a node bills nothing', [run(-5, null)], none, byNode([])],
    ['node unreachable for a quarter', [run(-5)], new Map([['n1', [{ from: t(15), to: t(30) }]]]), byNode([['n1', 2700]])],
    ['another node unreachable does not matter', [run(-5)], new Map([['n2', [{ from: t(0), to: null }]]]), byNode([['n1', 3600]])],
    ['node unreachable the whole period', [run(-5)], new Map([['n1', [{ from: t(-30), to: null }]]]), byNode([])],
    ['changes at the same instant: the last one wins', [run(0), halt(30), run(30)], none, byNode([['n1', 3600]])],
  ])('%s', (_, changes, unreachable, expected) => {
    expect(billableSecondsByNode(changes, unreachable, START, END)).toEqual(expected);
  });

  it('never bills more than the period, and no more than the single-node count allows', () => {
    const node = fc.constantFrom('a', 'b', 'c');
    const change = fc.record({
      at: fc.integer({ min: -7200, max: 7200 }).map((s) => new Date(START.getTime() + s * 1000)),
      billable: fc.boolean(),
      nodeId: fc.option(node, { freq: 5 }),
    });
    const range = fc
      .tuple(fc.integer({ min: -3600, max: 7200 }), fc.option(fc.integer({ min: 0, max: 3600 })))
      .map(([from, length]) => ({ from: new Date(START.getTime() + from * 1000), to: length === null ? null : new Date(START.getTime() + (from + length) * 1000) }));
    fc.assert(
      fc.property(fc.array(change, { maxLength: 10 }), fc.dictionary(node, fc.array(range, { maxLength: 3 })), (changes, down) => {
        const unreachable = new Map(Object.entries(down));
        const result = billableSecondsByNode(changes, unreachable, START, END);
        const total = [...result.values()].reduce((a, b) => a + b, 0);
        expect(total).toBeLessThanOrEqual(3600);
        for (const seconds of result.values()) expect(seconds).toBeGreaterThan(0);
        // Without any unreachable time, each node bills at least as much.
        const reachable = billableSecondsByNode(changes, new Map(), START, END);
        for (const [n, seconds] of result) expect(reachable.get(n)).toBeGreaterThanOrEqual(seconds);
      }),
    );
  });
});

describe('secondsWithin', () => {
  it.each([
    [t(-60), null, 3600],
    [t(-60), t(30), 1800],
    [t(15), t(20), 300],
    [t(60), null, 0],
    [t(-60), t(0), 0],
  ])('from %p to %p: %i seconds', (from, to, seconds) => {
    expect(secondsWithin(from, to, START, END)).toBe(seconds);
  });
});

describe('unreachableRanges', () => {
  it('turns a status history into the spans the node was unreachable', () => {
    expect(
      unreachableRanges([
        { at: t(40), unreachable: false },
        { at: t(10), unreachable: true },
        { at: t(0), unreachable: false },
        { at: t(50), unreachable: true },
      ]),
    ).toEqual([
      { from: t(10), to: t(40) },
      { from: t(50), to: null },
    ]);
  });

  it('keeps the last of several changes at one instant', () => {
    expect(unreachableRanges([{ at: t(0), unreachable: true }, { at: t(0), unreachable: false }])).toEqual([]);
    expect(unreachableRanges([])).toEqual([]);
  });
});

describe('vmPeriodUsage', () => {
  const prices = { instanceTypePerHour: new Map([['s1.small', 36_000n]]), publicUdpPortPerHour: 3_600n };
  const operators = new Map([['n1', 'op1'], ['n2', 'op2']]);
  const base = { id: 'vm1', accountId: 'tenant', instanceType: 's1.small', createdAt: t(-120), deletedAt: null, udpPorts: 0 };

  it('charges running time per node at the instance price, with the operator of each node', () => {
    const usage = vmPeriodUsage(
      { ...base, changes: [{ at: t(-60), status: 'running', nodeId: 'n1' }, { at: t(30), status: 'rescheduling', nodeId: null }, { at: t(40), status: 'running', nodeId: 'n2' }] },
      new Map(),
      operators,
      prices,
      START,
      END,
    );
    expect(usage).toEqual({
      resourceKind: 'vm',
      resourceId: 'vm1',
      tenantAccountId: 'tenant',
      seconds: 3000,
      parts: [
        { component: 'compute', nodeId: 'n1', operatorAccountId: 'op1', seconds: 1800, quantity: 1, pricePerHourMicro: 36_000n },
        { component: 'compute', nodeId: 'n2', operatorAccountId: 'op2', seconds: 1200, quantity: 1, pricePerHourMicro: 36_000n },
      ],
    });
  });

  it('charges UDP ports while the VM exists, running or not, until it is deleted', () => {
    const usage = vmPeriodUsage(
      { ...base, udpPorts: 2, changes: [{ at: t(-60), status: 'stopped', nodeId: null }, { at: t(45), status: 'deleted', nodeId: null }] },
      new Map(),
      operators,
      prices,
      START,
      END,
    );
    expect(usage.seconds).toBe(0);
    expect(usage.parts).toEqual([{ component: 'public_udp_ports', nodeId: null, operatorAccountId: null, seconds: 2700, quantity: 2, pricePerHourMicro: 3_600n }]);
  });

  it('charges nothing for a node that no longer exists, and prices an unknown instance type at zero', () => {
    const gone = vmPeriodUsage({ ...base, changes: [{ at: t(-60), status: 'running', nodeId: 'n9' }] }, new Map(), operators, prices, START, END);
    expect(gone.parts).toEqual([]);
    const unpriced = vmPeriodUsage({ ...base, instanceType: 'x', changes: [{ at: t(-60), status: 'running', nodeId: 'n1' }] }, new Map(), operators, prices, START, END);
    expect(unpriced.parts[0].pricePerHourMicro).toBe(0n);
  });
});
