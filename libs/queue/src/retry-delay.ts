/**
 * Exponential backoff with "full jitter": the n-th consecutive failure waits a
 * random time up to min(max, base * 2^(n-1)), so relays and listeners that
 * lost the same service do not come back in lockstep.
 */
export function retryDelayMs(failures: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  if (failures <= 0) return 0;
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(failures - 1, 30));
  return Math.max(baseMs / 2, Math.round(ceiling * random()));
}
