import * as fc from 'fast-check';
import { HOUR_MS, addHours, closedHoursBetween, hourStart, isHourStart } from './hour-window';

const at = (iso: string) => new Date(iso);

describe('hourStart', () => {
  it.each([
    ['2026-03-01T10:00:00.000Z', '2026-03-01T10:00:00.000Z'],
    ['2026-03-01T10:59:59.999Z', '2026-03-01T10:00:00.000Z'],
    ['2026-03-01T10:00:00.001Z', '2026-03-01T10:00:00.000Z'],
    ['2026-03-01T23:30:00.000+02:00', '2026-03-01T21:00:00.000Z'],
    ['2026-03-01T10:45:00.000+05:30', '2026-03-01T05:00:00.000Z'],
    ['1969-12-31T23:59:59.999Z', '1969-12-31T23:00:00.000Z'],
  ])('of %s is %s (UTC)', (date, start) => {
    expect(hourStart(at(date)).toISOString()).toBe(start);
  });

  it('refuses an invalid date', () => {
    expect(() => hourStart(new Date('nonsense'))).toThrow(RangeError);
  });

  it('is the latest hour boundary at or before the date', () => {
    fc.assert(
      fc.property(fc.date({ noInvalidDate: true }), (date) => {
        const start = hourStart(date);
        expect(isHourStart(start)).toBe(true);
        expect(start.getTime()).toBeLessThanOrEqual(date.getTime());
        expect(date.getTime() - start.getTime()).toBeLessThan(HOUR_MS);
      }),
    );
  });
});

describe('closedHoursBetween', () => {
  const iso = (dates: Date[]) => dates.map((date) => date.toISOString());

  it('lists every hour that ended since the last settled one, oldest first', () => {
    expect(iso(closedHoursBetween(at('2026-03-01T07:00:00Z'), at('2026-03-01T10:20:00Z')))).toEqual([
      '2026-03-01T08:00:00.000Z',
      '2026-03-01T09:00:00.000Z',
    ]);
  });

  it('includes an hour that ended exactly now', () => {
    expect(iso(closedHoursBetween(at('2026-03-01T08:00:00Z'), at('2026-03-01T10:00:00Z')))).toEqual([
      '2026-03-01T09:00:00.000Z',
    ]);
  });

  it('excludes an hour that ends a millisecond from now', () => {
    expect(closedHoursBetween(at('2026-03-01T08:00:00Z'), at('2026-03-01T09:59:59.999Z'))).toEqual([]);
  });

  it('has nothing to do when the last settled hour is the one just closed, or later', () => {
    expect(closedHoursBetween(at('2026-03-01T09:00:00Z'), at('2026-03-01T10:30:00Z'))).toEqual([]);
    expect(closedHoursBetween(at('2026-03-01T10:00:00Z'), at('2026-03-01T10:30:00Z'))).toEqual([]);
    expect(closedHoursBetween(at('2026-03-01T15:00:00Z'), at('2026-03-01T10:30:00Z'))).toEqual([]);
  });

  it('settles only the last closed hour when nothing was settled before', () => {
    expect(iso(closedHoursBetween(null, at('2026-03-01T10:20:00Z')))).toEqual(['2026-03-01T09:00:00.000Z']);
  });

  it('crosses days and years in UTC', () => {
    expect(iso(closedHoursBetween(at('2026-12-31T22:00:00Z'), at('2027-01-01T01:05:00Z')))).toEqual([
      '2026-12-31T23:00:00.000Z',
      '2027-01-01T00:00:00.000Z',
    ]);
  });

  it('catches up at most `limit` hours per run, oldest first', () => {
    expect(iso(closedHoursBetween(at('2026-03-01T00:00:00Z'), at('2026-03-02T00:00:00Z'), 2))).toEqual([
      '2026-03-01T01:00:00.000Z',
      '2026-03-01T02:00:00.000Z',
    ]);
    expect(closedHoursBetween(at('2026-03-01T00:00:00Z'), at('2026-03-02T00:00:00Z'), 0)).toEqual([]);
  });

  it('refuses a last settled hour that is not an hour start', () => {
    expect(() => closedHoursBetween(at('2026-03-01T07:30:00Z'), at('2026-03-01T10:00:00Z'))).toThrow(RangeError);
  });

  it('yields consecutive closed hours right after the last settled one, leaving none behind', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 500_000 }),
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 0, max: HOUR_MS - 1 }),
        (lastHour, hoursLater, extra) => {
          const last = new Date(lastHour * HOUR_MS);
          const now = new Date(last.getTime() + hoursLater * HOUR_MS + extra);
          const hours = closedHoursBetween(last, now);
          expect(hours).toHaveLength(Math.max(0, hoursLater - 1));
          hours.forEach((hour, i) => {
            expect(hour.getTime()).toBe(addHours(last, i + 1).getTime());
            expect(hour.getTime() + HOUR_MS).toBeLessThanOrEqual(now.getTime());
          });
          const after = addHours(hours.at(-1) ?? last, 1);
          expect(after.getTime() + HOUR_MS).toBeGreaterThan(now.getTime());
        },
      ),
    );
  });
});
