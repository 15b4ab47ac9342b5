import { HOUR_MS, SECONDS_PER_HOUR, isHourStart } from '../hour-window';

/**
 * Metering: how many seconds of an hour a resource is billed for.
 *
 * Resolution is one second. Every timestamp is truncated to its whole second
 * before anything else, so per-hour results are integers and the seconds
 * billed over consecutive hours add up exactly to the seconds billed over
 * their union — no time is lost or billed twice at an hour boundary.
 */

/** A span in which a resource was in one billing state; `to: null` means it still is. */
export interface StatusInterval {
  from: Date;
  to: Date | null;
  billable: boolean;
}

/** A span (e.g. the node being unreachable); `to: null` means it has not ended. */
export interface TimeRange {
  from: Date;
  to: Date | null;
}

/** A change of billing state at an instant, as recorded in a resource's event history. */
export interface StatusChange {
  at: Date;
  billable: boolean;
}

/**
 * Turns a list of status changes into consecutive intervals: each change lasts
 * until the next one, and the last is open-ended. Changes at the same instant
 * keep only the last one given (a transition through a state takes no time).
 */
export function intervalsFromStatusChanges(changes: readonly StatusChange[]): StatusInterval[] {
  const ordered = changes
    .map((change, index) => ({ change, index, time: validSeconds(change.at, 'status change time') }))
    .sort((a, b) => a.time - b.time || a.index - b.index);
  const intervals: StatusInterval[] = [];
  ordered.forEach(({ change, time }, i) => {
    const next = ordered[i + 1];
    if (next !== undefined && next.time === time) return;
    const to = next === undefined ? null : new Date(next.time * 1000);
    intervals.push({ from: new Date(time * 1000), to, billable: change.billable });
  });
  return intervals;
}

/**
 * Billable seconds in [windowStart, windowEnd): time covered by a billable
 * interval, minus time covered by any non-billable interval or by any
 * unreachable window. Overlaps are merged, so nothing counts twice.
 *
 * Intervals are expected not to overlap (intervalsFromStatusChanges never
 * produces overlaps); when inconsistent records do overlap, the customer is
 * not charged for time any record says was not billable.
 */
export function billableSecondsBetween(
  history: readonly StatusInterval[],
  unreachable: readonly TimeRange[],
  windowStart: Date,
  windowEnd: Date,
): number {
  const start = validSeconds(windowStart, 'windowStart');
  const end = validSeconds(windowEnd, 'windowEnd');
  if (end < start) throw new RangeError('windowEnd must not be before windowStart');

  const billable: Span[] = [];
  const excluded: Span[] = [];
  for (const interval of history) {
    (interval.billable ? billable : excluded).push(clip(interval, start, end, 'status interval'));
  }
  for (const range of unreachable) excluded.push(clip(range, start, end, 'unreachable window'));
  return length(subtract(merge(billable), merge(excluded)));
}

/** Billable seconds in the UTC hour starting at `hourStart`: always between 0 and 3600. */
export function billableSecondsInHour(
  history: readonly StatusInterval[],
  unreachable: readonly TimeRange[],
  hourStart: Date,
): number {
  if (!isHourStart(hourStart)) throw new RangeError('hourStart must be the start of an hour');
  return billableSecondsBetween(history, unreachable, hourStart, new Date(hourStart.getTime() + HOUR_MS));
}

/**
 * The charge for `seconds` at an hourly price, rounded half up to the
 * micro-unit: floor((price × seconds × 2 + 3600) / 7200), the exact value
 * price × seconds / 3600 rounded to the nearest micro-unit with halves going
 * up. It is never more than half a micro-unit away from the exact amount, is
 * exact for whole hours, and is computed in bigint so it is deterministic.
 */
export function chargeFor(seconds: number, pricePerHourMicro: bigint): bigint {
  if (!Number.isSafeInteger(seconds) || seconds < 0) throw new RangeError('seconds must be a non-negative integer');
  if (pricePerHourMicro < 0n) throw new RangeError('pricePerHourMicro must not be negative');
  const hour = BigInt(SECONDS_PER_HOUR);
  return (pricePerHourMicro * BigInt(seconds) * 2n + hour) / (2n * hour);
}

/** A half-open span [start, end) in whole seconds since the epoch. */
type Span = readonly [start: number, end: number];

function clip(range: TimeRange, windowStart: number, windowEnd: number, what: string): Span {
  const from = validSeconds(range.from, `${what} start`);
  const to = range.to === null ? Infinity : validSeconds(range.to, `${what} end`);
  if (to < from) throw new RangeError(`a ${what} ends before it starts`);
  return [Math.max(from, windowStart), Math.min(to, windowEnd)];
}

function merge(spans: readonly Span[]): Span[] {
  const sorted = spans.filter(([start, end]) => end > start).sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [start, end] of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

/** `kept` minus `removed`, both merged (sorted, disjoint). */
function subtract(kept: readonly Span[], removed: readonly Span[]): Span[] {
  const result: Span[] = [];
  let r = 0;
  for (const [start, end] of kept) {
    let cursor = start;
    while (r < removed.length && removed[r][1] <= cursor) r++;
    for (let i = r; i < removed.length && removed[i][0] < end; i++) {
      if (removed[i][0] > cursor) result.push([cursor, removed[i][0]]);
      cursor = Math.max(cursor, removed[i][1]);
    }
    if (cursor < end) result.push([cursor, end]);
  }
  return result;
}

function length(spans: readonly Span[]): number {
  return spans.reduce((total, [start, end]) => total + (end - start), 0);
}

function validSeconds(date: Date, name: string): number {
  const time = date instanceof Date ? date.getTime() : NaN;
  if (Number.isNaN(time)) throw new RangeError(`${name} must be a valid Date`);
  return Math.floor(time / 1000);
}
