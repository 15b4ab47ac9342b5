import { addHours, hourStart, isHourStart } from '@statemesh/billing';

// Which price list applies when. Pure: no Nest, no Prisma.

/**
 * The version in effect at `at`: the one with the latest `effectiveFrom` not
 * after it. Usage of hour H is priced with `at = H` (the hour's start), so a
 * version created during an hour never reprices that hour, and usage already
 * metered keeps the price it was metered at.
 */
export function selectPriceVersion<T extends { effectiveFrom: Date }>(versions: readonly T[], at: Date): T | undefined {
  let selected: T | undefined;
  for (const version of versions) {
    if (version.effectiveFrom.getTime() > at.getTime()) continue;
    if (!selected || version.effectiveFrom.getTime() > selected.effectiveFrom.getTime()) selected = version;
  }
  return selected;
}

/** The earliest instant a new version may take effect: the start of the next hour. */
export function nextEffectiveFrom(now: Date): Date {
  return addHours(hourStart(now), 1);
}

export type EffectiveFromProblem = 'not_hour_start' | 'not_in_future';

/**
 * A new version takes effect at the start of an hour that has not begun yet,
 * so nothing already used (or being used right now) changes price.
 */
export function effectiveFromProblem(effectiveFrom: Date, now: Date): EffectiveFromProblem | null {
  if (!isHourStart(effectiveFrom)) return 'not_hour_start';
  if (effectiveFrom.getTime() <= now.getTime()) return 'not_in_future';
  return null;
}
