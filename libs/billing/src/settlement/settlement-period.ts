/**
 * Settlement periods. A period is the half-open window [start, end); periods
 * are aligned to multiples of the period length since the Unix epoch (an
 * hour in production: whole UTC hours). A period is settled only once it has
 * fully ended, so nothing billed for it can still change.
 */

export interface SettlementPeriod {
  start: Date;
  end: Date;
}

/** The start of the period containing `at`. */
export function periodStartOf(at: Date, periodSeconds: number): Date {
  const length = periodMs(periodSeconds);
  const time = validTime(at, 'at');
  return new Date(time - mod(time, length));
}

/**
 * The periods that have ended since `settledUntil`, oldest first, at most
 * `limit` of them. The first starts at `settledUntil` and ends at the next
 * period boundary, so a cursor left by a different period length (a changed
 * setting) is carried on without a gap or an overlap.
 */
export function closedPeriodsSince(settledUntil: Date, now: Date, periodSeconds: number, limit = Infinity): SettlementPeriod[] {
  const length = periodMs(periodSeconds);
  const nowTime = validTime(now, 'now');
  if (!(limit >= 0)) throw new RangeError('limit must not be negative');
  const periods: SettlementPeriod[] = [];
  let start = validTime(settledUntil, 'settledUntil');
  while (periods.length < limit) {
    const end = start - mod(start, length) + length;
    if (end > nowTime) break;
    periods.push({ start: new Date(start), end: new Date(end) });
    start = end;
  }
  return periods;
}

/** Where a cursor starts when a source has never been settled: the period of its earliest usage, else the current period. */
export function initialSettledUntil(earliestUsage: Date | null, now: Date, periodSeconds: number): Date {
  return periodStartOf(earliestUsage ?? now, periodSeconds);
}

function periodMs(periodSeconds: number): number {
  if (!Number.isInteger(periodSeconds) || periodSeconds <= 0) throw new RangeError('periodSeconds must be a positive integer');
  return periodSeconds * 1000;
}

function validTime(date: Date, name: string): number {
  const time = date instanceof Date ? date.getTime() : NaN;
  if (Number.isNaN(time)) throw new RangeError(`${name} must be a valid Date`);
  return time;
}

function mod(value: number, divisor: number): number {
  return ((value % divisor) + divisor) % divisor;
}
