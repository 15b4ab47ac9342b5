/**
 * Restart back-off of run strategies, like a container runtime's
 * CrashLoopBackOff: the first restart after a failure waits `initial`, each
 * further failure in a row doubles the wait, capped at `max`. After
 * CRASH_LOOP_THRESHOLD failures in a row the VM is left in `crashLoop`.
 */
export interface RestartBackoffPolicy {
  initialSeconds: number;
  maxSeconds: number;
  /** A VM that ran at least this long before failing starts counting afresh. */
  resetAfterSeconds: number;
  crashLoopThreshold: number;
}

/** The wait before restart number `failureCount` (1 for the first failure). */
export function restartDelayMs(failureCount: number, policy: Pick<RestartBackoffPolicy, 'initialSeconds' | 'maxSeconds'>): number {
  const exponent = Math.min(Math.max(failureCount, 1) - 1, 30);
  return Math.round(Math.min(policy.maxSeconds, policy.initialSeconds * 2 ** exponent) * 1000);
}

/**
 * The failure count after one more failure. A VM that had been running for
 * at least `resetAfterSeconds` when it failed is not crash-looping: its
 * count starts again at 1.
 */
export function failureCountAfterFailure(previous: number, runningSinceMs: number | null, nowMs: number, policy: Pick<RestartBackoffPolicy, 'resetAfterSeconds'>): number {
  if (runningSinceMs !== null && nowMs - runningSinceMs >= policy.resetAfterSeconds * 1000) return 1;
  return previous + 1;
}

export type RestartDecision = { kind: 'restart'; delayMs: number } | { kind: 'crash-loop' };

/** What a run strategy does after failure number `failureCount`. */
export function decideRestart(failureCount: number, policy: RestartBackoffPolicy): RestartDecision {
  if (failureCount >= policy.crashLoopThreshold) return { kind: 'crash-loop' };
  return { kind: 'restart', delayMs: restartDelayMs(failureCount, policy) };
}
