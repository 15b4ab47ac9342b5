/**
 * How many hours the balance lasts at the current burn rate, rounded down to
 * hundredths: null when nothing burns (it lasts forever), 0 when the balance
 * is already gone. Computed in bigint so large balances stay exact.
 */
export function runwayHours(balance: bigint, burnRatePerHour: bigint): number | null {
  if (burnRatePerHour <= 0n) return null;
  if (balance <= 0n) return 0;
  return Number((balance * 100n) / burnRatePerHour) / 100;
}
