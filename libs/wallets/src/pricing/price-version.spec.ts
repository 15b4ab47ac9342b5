import fc from 'fast-check';
import { effectiveFromProblem, nextEffectiveFrom, selectPriceVersion } from './price-version';

const at = (iso: string) => new Date(iso);
const versions = [
  { id: 'b', effectiveFrom: at('2026-03-01T10:00:00Z') },
  { id: 'a', effectiveFrom: at('1970-01-01T00:00:00Z') },
  { id: 'c', effectiveFrom: at('2026-03-01T12:00:00Z') },
];

describe('selectPriceVersion', () => {
  it('picks the latest version that has taken effect', () => {
    expect(selectPriceVersion(versions, at('2026-03-01T09:59:59.999Z'))?.id).toBe('a');
    expect(selectPriceVersion(versions, at('2026-03-01T10:00:00Z'))?.id).toBe('b');
    expect(selectPriceVersion(versions, at('2026-03-01T11:00:00Z'))?.id).toBe('b');
    expect(selectPriceVersion(versions, at('2026-03-01T12:00:00Z'))?.id).toBe('c');
    expect(selectPriceVersion(versions, at('2030-01-01T00:00:00Z'))?.id).toBe('c');
  });

  it('has nothing before the first version', () => {
    expect(selectPriceVersion(versions.slice(0, 1), at('2026-01-01T00:00:00Z'))).toBeUndefined();
    expect(selectPriceVersion([], at('2026-01-01T00:00:00Z'))).toBeUndefined();
  });

  it('prices an hour the same whatever versions are added for later hours', () => {
    const hour = fc.integer({ min: 0, max: 100_000 }).map((h) => new Date(h * 3_600_000));
    fc.assert(
      fc.property(fc.array(hour, { minLength: 1, maxLength: 20 }), hour, fc.array(hour, { maxLength: 10 }), (existing, usageHour, added) => {
        const before = existing.map((effectiveFrom, id) => ({ id, effectiveFrom }));
        const later = added.filter((h) => h > usageHour).map((effectiveFrom, id) => ({ id: 1000 + id, effectiveFrom }));
        expect(selectPriceVersion([...before, ...later], usageHour)).toBe(selectPriceVersion(before, usageHour));
      }),
    );
  });

  it('agrees with sorting and taking the last one in effect', () => {
    const hour = fc.integer({ min: 0, max: 1_000 }).map((h) => new Date(h * 3_600_000));
    fc.assert(
      fc.property(fc.uniqueArray(hour, { selector: (d) => d.getTime(), maxLength: 30 }), hour, (starts, when) => {
        const list = starts.map((effectiveFrom, id) => ({ id, effectiveFrom }));
        const expected = [...list].sort((x, y) => x.effectiveFrom.getTime() - y.effectiveFrom.getTime()).filter((v) => v.effectiveFrom <= when).pop();
        expect(selectPriceVersion(list, when)).toBe(expected);
      }),
    );
  });
});

describe('effectiveFrom of a new version', () => {
  const now = at('2026-03-01T10:20:00Z');

  it('defaults to the start of the next hour', () => {
    expect(nextEffectiveFrom(now).toISOString()).toBe('2026-03-01T11:00:00.000Z');
    expect(nextEffectiveFrom(at('2026-03-01T10:00:00Z')).toISOString()).toBe('2026-03-01T11:00:00.000Z');
    expect(effectiveFromProblem(nextEffectiveFrom(now), now)).toBeNull();
  });

  it('must be the start of an hour', () => {
    expect(effectiveFromProblem(at('2026-03-01T11:30:00Z'), now)).toBe('not_hour_start');
    expect(effectiveFromProblem(at('2026-03-01T11:00:00.001Z'), now)).toBe('not_hour_start');
  });

  it('must not have begun', () => {
    expect(effectiveFromProblem(at('2026-03-01T10:00:00Z'), now)).toBe('not_in_future');
    expect(effectiveFromProblem(at('2026-03-01T09:00:00Z'), now)).toBe('not_in_future');
    expect(effectiveFromProblem(at('2026-03-01T10:00:00Z'), at('2026-03-01T10:00:00Z'))).toBe('not_in_future');
    expect(effectiveFromProblem(at('2027-01-01T00:00:00Z'), now)).toBeNull();
  });
});
