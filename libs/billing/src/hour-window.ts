/**
 * Settlement works in whole UTC hours: the hour starting at `hourStart` is the
 * half-open window [hourStart, hourStart + 1h). An hour is settled only once it
 * has fully ended, so nothing billed for it can still change.
 */

export const SECONDS_PER_HOUR = 3600;
export const HOUR_MS = SECONDS_PER_HOUR * 1000;

/** The start of the UTC hour containing `date`. */
export function hourStart(date: Date): Date {
  const time = validTime(date, 'date');
  return new Date(time - mod(time, HOUR_MS));
}

export function isHourStart(date: Date): boolean {
  return mod(validTime(date, 'date'), HOUR_MS) === 0;
}

export function addHours(date: Date, hours: number): Date {
  return new Date(validTime(date, 'date') + hours * HOUR_MS);
}

/**
 * The hours that have ended since the last settled one, oldest first: every
 * hour after `lastSettledHourStart` whose end is at or before `now`.
 *
 * With nothing settled yet (`null`) only the most recent closed hour is
 * returned: a fresh deployment does not bill for time before it existed. A
 * caller that knows when billing began should pass the hour before it instead.
 * `limit` caps how many hours one run catches up on after a long outage.
 */
export function closedHoursBetween(lastSettledHourStart: Date | null, now: Date, limit = Infinity): Date[] {
  const current = hourStart(now).getTime();
  let next: number;
  if (lastSettledHourStart === null) {
    next = current - HOUR_MS;
  } else {
    const last = validTime(lastSettledHourStart, 'lastSettledHourStart');
    if (mod(last, HOUR_MS) !== 0) throw new RangeError('lastSettledHourStart must be the start of an hour');
    next = last + HOUR_MS;
  }
  if (!(limit >= 0)) throw new RangeError('limit must not be negative');
  const hours: Date[] = [];
  for (let time = next; time < current && hours.length < limit; time += HOUR_MS) hours.push(new Date(time));
  return hours;
}

function validTime(date: Date, name: string): number {
  const time = date instanceof Date ? date.getTime() : NaN;
  if (Number.isNaN(time)) throw new RangeError(`${name} must be a valid Date`);
  return time;
}

// JavaScript's % keeps the dividend's sign; times before 1970 need the floor.
function mod(value: number, divisor: number): number {
  return ((value % divisor) + divisor) % divisor;
}
