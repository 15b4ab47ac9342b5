import * as fc from 'fast-check';
import { HOUR_MS } from '../hour-window';
import {
  billableSecondsBetween,
  billableSecondsInHour,
  chargeFor,
  intervalsFromStatusChanges,
  type StatusInterval,
  type TimeRange,
} from './metering';

const HOUR = new Date('2026-03-01T10:00:00Z');
/** A time `minutes` (and `seconds`) after 10:00 on the test day; negative goes before. */
const t = (minutes: number, seconds = 0, ms = 0) => new Date(HOUR.getTime() + minutes * 60_000 + seconds * 1000 + ms);
const on = (from: Date, to: Date | null): StatusInterval => ({ from, to, billable: true });
const off = (from: Date, to: Date | null): StatusInterval => ({ from, to, billable: false });
const down = (from: Date, to: Date | null): TimeRange => ({ from, to });

describe('billableSecondsInHour', () => {
  it.each<[string, StatusInterval[], TimeRange[], number]>([
    ['no history', [], [], 0],
    ['billable the whole hour', [on(t(0), t(60))], [], 3600],
    ['billable from well before to well after', [on(t(-300), t(300))], [], 3600],
    ['entering the hour at half past', [on(t(-30), t(30))], [], 1800],
    ['leaving the hour at half past', [on(t(30), t(90))], [], 1800],
    ['open-ended, started before the hour', [on(t(-5), null)], [], 3600],
    ['open-ended, started in the hour', [on(t(15), null)], [], 2700],
    ['open-ended, started after the hour', [on(t(60), null)], [], 0],
    ['ending exactly when the hour starts', [on(t(-60), t(0))], [], 0],
    ['starting exactly when the hour ends', [on(t(60), t(120))], [], 0],
    ['zero length', [on(t(10), t(10))], [], 0],
    ['not billable', [off(t(-60), null)], [], 0],
    ['stopped for ten minutes', [on(t(0), t(20)), off(t(20), t(30)), on(t(30), null)], [], 3000],
    ['overlapping billable records counted once', [on(t(0), t(40)), on(t(20), t(50)), on(t(45), t(50))], [], 3000],
    ['a non-billable record wins over an overlapping billable one', [on(t(0), null), off(t(10), t(20))], [], 3000],
    ['unreachable for a quarter', [on(t(-60), null)], [down(t(15), t(30))], 2700],
    [
      'overlapping unreachable windows merged',
      [on(t(0), null)],
      [down(t(10), t(30)), down(t(20), t(40)), down(t(35), t(45))],
      1500,
    ],
    ['unreachable and still down', [on(t(0), null)], [down(t(50), null)], 3000],
    ['unreachable the whole hour', [on(t(0), null)], [down(t(-10), t(70))], 0],
    ['unreachable outside billable time does not matter', [on(t(0), t(30))], [down(t(30), t(60))], 1800],
    ['unreachable before the hour does not matter', [on(t(0), null)], [down(t(-30), t(0))], 3600],
    ['unreachable for zero seconds', [on(t(0), null)], [down(t(10), t(10))], 3600],
    ['one second at each edge', [on(t(-1), t(0, 1)), on(t(59, 59), t(61))], [], 2],
    ['sub-second times truncated to the second', [on(t(0, 0, 900), t(0, 2, 100))], [], 2],
    ['sub-second span within one second', [on(t(0, 5, 100), t(0, 5, 900))], [], 0],
  ])('%s', (_, history, unreachable, seconds) => {
    expect(billableSecondsInHour(history, unreachable, HOUR)).toBe(seconds);
  });

  it('does not depend on the order of records', () => {
    const history = [on(t(30), null), off(t(10), t(30)), on(t(-10), t(10))];
    const unreachable = [down(t(50), t(55)), down(t(0), t(5))];
    const reversed = billableSecondsInHour([...history].reverse(), [...unreachable].reverse(), HOUR);
    expect(billableSecondsInHour(history, unreachable, HOUR)).toBe(reversed);
    expect(reversed).toBe(1800);
  });

  it('refuses an hour that does not start on the hour', () => {
    expect(() => billableSecondsInHour([], [], t(1))).toThrow(RangeError);
  });

  it('refuses intervals that end before they start and invalid dates', () => {
    expect(() => billableSecondsInHour([on(t(10), t(5))], [], HOUR)).toThrow('ends before it starts');
    expect(() => billableSecondsInHour([on(t(0), null)], [down(t(10), t(5))], HOUR)).toThrow('ends before it starts');
    expect(() => billableSecondsInHour([on(new Date('x'), null)], [], HOUR)).toThrow(RangeError);
  });
});

describe('intervalsFromStatusChanges', () => {
  it('makes each change last until the next, the last one open-ended', () => {
    expect(
      intervalsFromStatusChanges([
        { at: t(30), billable: false },
        { at: t(-10), billable: true },
        { at: t(45), billable: true },
      ]),
    ).toEqual([on(t(-10), t(30)), off(t(30), t(45)), on(t(45), null)]);
  });

  it('keeps the last of several changes at the same instant', () => {
    expect(
      intervalsFromStatusChanges([
        { at: t(0), billable: true },
        { at: t(10), billable: false },
        { at: t(10), billable: true },
      ]),
    ).toEqual([on(t(0), t(10)), on(t(10), null)]);
  });

  it('meters the same as the intervals it produces', () => {
    const changes = [
      { at: t(-20), billable: true },
      { at: t(20), billable: false },
      { at: t(40), billable: true },
    ];
    expect(billableSecondsInHour(intervalsFromStatusChanges(changes), [], HOUR)).toBe(2400);
  });

  it('has nothing for no changes', () => {
    expect(intervalsFromStatusChanges([])).toEqual([]);
  });
});

describe('chargeFor', () => {
  it.each([
    [3600, 1_000_000n, 1_000_000n],
    [0, 1_000_000n, 0n],
    [1800, 1_000_000n, 500_000n],
    [1, 3_600n, 1n],
    [1, 1_000_000n, 278n], // 277.77… rounds up
    [1, 1_000n, 0n], // 0.277… rounds down
    [1800, 1n, 1n], // exactly half rounds up
    [1799, 1n, 0n],
    [3600, 0n, 0n],
    [7200, 5n, 10n],
  ])('%i seconds at %p micro/hour is %p micro', (seconds, price, charge) => {
    expect(chargeFor(seconds, price)).toBe(charge);
  });

  it('refuses negative or fractional seconds and negative prices', () => {
    expect(() => chargeFor(-1, 1n)).toThrow(RangeError);
    expect(() => chargeFor(1.5, 1n)).toThrow(RangeError);
    expect(() => chargeFor(1, -1n)).toThrow(RangeError);
  });

  it('rounds to the nearest micro-unit, halves up, never more than price × seconds / 3600 + 1', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3600 }), fc.bigInt({ min: 0n, max: 10n ** 15n }), (seconds, price) => {
        const charge = chargeFor(seconds, price);
        const exactTimes3600 = price * BigInt(seconds);
        // exact - 1/2 < charge <= exact + 1/2, in integers
        expect(charge * 7200n).toBeGreaterThan(exactTimes3600 * 2n - 3600n);
        expect(charge * 7200n).toBeLessThanOrEqual(exactTimes3600 * 2n + 3600n);
        expect(charge * 3600n).toBeLessThanOrEqual(exactTimes3600 + 3600n);
        if (seconds === 3600) expect(charge).toBe(price);
      }),
    );
  });

  it('charges more for more time', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3599 }), fc.bigInt({ min: 0n, max: 10n ** 12n }), (seconds, price) => {
        expect(chargeFor(seconds + 1, price)).toBeGreaterThanOrEqual(chargeFor(seconds, price));
      }),
    );
  });
});

describe('metering properties', () => {
  const BASE = HOUR.getTime();
  const SPAN_HOURS = 4;
  // Times over a few hours around the base hour, down to the millisecond, so
  // both hour boundaries and sub-second truncation are exercised.
  const time = fc.integer({ min: -HOUR_MS, max: (SPAN_HOURS + 1) * HOUR_MS }).map((offset) => new Date(BASE + offset));
  const range = fc
    .tuple(time, fc.option(time, { freq: 4 }))
    .map(([a, b]) => (b === null ? { from: a, to: null } : a <= b ? { from: a, to: b } : { from: b, to: a }));
  const interval = fc.tuple(range, fc.boolean()).map(([r, billable]): StatusInterval => ({ ...r, billable }));
  const histories = fc.array(interval, { maxLength: 8 });
  const unreachables = fc.array(range, { maxLength: 5 });

  /** Reference: walk the window second by second. */
  function bruteForce(history: StatusInterval[], unreachable: TimeRange[], from: number, to: number): number {
    const sec = (date: Date | null) => (date === null ? Infinity : Math.floor(date.getTime() / 1000));
    const covers = (r: TimeRange, s: number) => sec(r.from) <= s && s < sec(r.to);
    let total = 0;
    for (let s = from / 1000; s < to / 1000; s++) {
      const billable = history.some((i) => i.billable && covers(i, s));
      const excluded = history.some((i) => !i.billable && covers(i, s)) || unreachable.some((r) => covers(r, s));
      if (billable && !excluded) total++;
    }
    return total;
  }

  it('bills between 0 and 3600 seconds in any hour', () => {
    fc.assert(
      fc.property(histories, unreachables, fc.integer({ min: -1, max: SPAN_HOURS + 1 }), (history, unreachable, h) => {
        const seconds = billableSecondsInHour(history, unreachable, new Date(BASE + h * HOUR_MS));
        expect(Number.isInteger(seconds)).toBe(true);
        expect(seconds).toBeGreaterThanOrEqual(0);
        expect(seconds).toBeLessThanOrEqual(3600);
      }),
    );
  });

  it('bills over consecutive hours exactly the billable time of the whole history', () => {
    fc.assert(
      fc.property(histories, unreachables, (history, unreachable) => {
        const from = BASE - HOUR_MS;
        const to = BASE + (SPAN_HOURS + 1) * HOUR_MS;
        let sum = 0;
        for (let hour = from; hour < to; hour += HOUR_MS) {
          sum += billableSecondsInHour(history, unreachable, new Date(hour));
        }
        expect(sum).toBe(billableSecondsBetween(history, unreachable, new Date(from), new Date(to)));
      }),
    );
  });

  it('agrees with a second-by-second count', () => {
    fc.assert(
      fc.property(histories, unreachables, fc.integer({ min: 0, max: SPAN_HOURS - 1 }), (history, unreachable, h) => {
        const hour = BASE + h * HOUR_MS;
        expect(billableSecondsInHour(history, unreachable, new Date(hour))).toBe(
          bruteForce(history, unreachable, hour, hour + HOUR_MS),
        );
      }),
      { numRuns: 60 },
    );
  });

  it('only ever bills less when a node is unreachable for longer', () => {
    fc.assert(
      fc.property(histories, unreachables, range, (history, unreachable, extra) => {
        const before = billableSecondsInHour(history, unreachable, HOUR);
        expect(billableSecondsInHour(history, [...unreachable, extra], HOUR)).toBeLessThanOrEqual(before);
      }),
    );
  });

  it('bills a status-change history hour by hour exactly as it bills the whole span', () => {
    const changes = fc.array(fc.record({ at: time, billable: fc.boolean() }), { maxLength: 10 });
    fc.assert(
      fc.property(changes, unreachables, (changeList, unreachable) => {
        const history = intervalsFromStatusChanges(changeList);
        const from = BASE - HOUR_MS;
        const to = BASE + (SPAN_HOURS + 1) * HOUR_MS;
        let sum = 0;
        for (let hour = from; hour < to; hour += HOUR_MS) {
          sum += billableSecondsInHour(history, unreachable, new Date(hour));
        }
        expect(sum).toBe(bruteForce(history, unreachable, from, to));
      }),
      { numRuns: 40 },
    );
  });
});
