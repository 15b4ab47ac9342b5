import * as fc from 'fast-check';
import { closedPeriodsSince, initialSettledUntil, periodStartOf } from './settlement-period';

const at = (iso: string) => new Date(iso);

describe('periodStartOf', () => {
  it.each([
    ['2026-03-01T10:59:59.999Z', 3600, '2026-03-01T10:00:00.000Z'],
    ['2026-03-01T10:00:00.000Z', 3600, '2026-03-01T10:00:00.000Z'],
    ['2026-03-01T10:00:07.500Z', 5, '2026-03-01T10:00:05.000Z'],
    ['1969-12-31T23:59:59.000Z', 3600, '1969-12-31T23:00:00.000Z'],
  ])('%s in periods of %is starts at %s', (time, seconds, start) => {
    expect(periodStartOf(at(time), seconds).toISOString()).toBe(start);
  });

  it.each([0, -1, 1.5, NaN])('refuses a period of %p seconds', (seconds) => {
    expect(() => periodStartOf(new Date(), seconds)).toThrow(RangeError);
  });
});

describe('closedPeriodsSince', () => {
  it('lists every period that ended, oldest first', () => {
    const periods = closedPeriodsSince(at('2026-03-01T08:00:00Z'), at('2026-03-01T11:30:00Z'), 3600);
    expect(periods.map((p) => [p.start.toISOString(), p.end.toISOString()])).toEqual([
      ['2026-03-01T08:00:00.000Z', '2026-03-01T09:00:00.000Z'],
      ['2026-03-01T09:00:00.000Z', '2026-03-01T10:00:00.000Z'],
      ['2026-03-01T10:00:00.000Z', '2026-03-01T11:00:00.000Z'],
    ]);
  });

  it('settles a period the instant it ends, not before', () => {
    expect(closedPeriodsSince(at('2026-03-01T10:00:00Z'), at('2026-03-01T10:59:59.999Z'), 3600)).toEqual([]);
    expect(closedPeriodsSince(at('2026-03-01T10:00:00Z'), at('2026-03-01T11:00:00Z'), 3600)).toHaveLength(1);
  });

  it('caps a catch-up at the limit', () => {
    expect(closedPeriodsSince(at('2026-03-01T00:00:00Z'), at('2026-03-02T00:00:00Z'), 3600, 5)).toHaveLength(5);
    expect(closedPeriodsSince(at('2026-03-01T00:00:00Z'), at('2026-03-02T00:00:00Z'), 3600, 0)).toEqual([]);
  });

  it('carries on from a cursor that is not on a boundary (the period length changed) without gap or overlap', () => {
    const periods = closedPeriodsSince(at('2026-03-01T10:00:03Z'), at('2026-03-01T10:00:21Z'), 5);
    expect(periods.map((p) => p.start.toISOString().slice(17, 19) + '-' + p.end.toISOString().slice(17, 19))).toEqual(['03-05', '05-10', '10-15', '15-20']);
  });

  it('tiles time exactly: consecutive, aligned, all ended', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 ** 7 }),
        fc.integer({ min: 0, max: 10 ** 6 }),
        fc.integer({ min: 1, max: 7200 }),
        (cursorSeconds, spanSeconds, period) => {
          const cursor = new Date(Date.UTC(2026, 0, 1) + cursorSeconds * 1000);
          const now = new Date(cursor.getTime() + spanSeconds * 1000);
          const periods = closedPeriodsSince(cursor, now, period, 500);
          let expectedStart = cursor.getTime();
          for (const p of periods) {
            expect(p.start.getTime()).toBe(expectedStart);
            expect(p.end.getTime() % (period * 1000)).toBe(0);
            expect(p.end.getTime()).toBeGreaterThan(p.start.getTime());
            expect(p.end.getTime() - p.start.getTime()).toBeLessThanOrEqual(period * 1000);
            expect(p.end.getTime()).toBeLessThanOrEqual(now.getTime());
            expectedStart = p.end.getTime();
          }
          if (periods.length < 500) expect(periodStartOf(new Date(expectedStart), period).getTime() + period * 1000).toBeGreaterThan(now.getTime());
        },
      ),
    );
  });
});

describe('initialSettledUntil', () => {
  it('starts at the period of the earliest usage, or the current one when there is none', () => {
    expect(initialSettledUntil(at('2026-03-01T07:15:00Z'), at('2026-03-01T10:20:00Z'), 3600).toISOString()).toBe('2026-03-01T07:00:00.000Z');
    expect(initialSettledUntil(null, at('2026-03-01T10:20:00Z'), 3600).toISOString()).toBe('2026-03-01T10:00:00.000Z');
  });
});
