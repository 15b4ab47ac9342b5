/** Anything that can be told a step has just finished (e.g. settlement passes one down to the ledger). */
export interface StepClock {
  /** Records the time since the previous mark (or the start) under `phase`; repeated phases add up. */
  mark(phase: string): void;
}

/** Wall-clock time per step of one settled period, in the order steps first ran. */
export type PhaseTimes = Array<{ phase: string; ms: number }>;

/**
 * Times the steps of a long piece of work (settling a period, a placement
 * round), so a slow one can be explained.
 */
export class PhaseTimer implements StepClock {
  private last = process.hrtime.bigint();
  private readonly times = new Map<string, number>();

  mark(phase: string): void {
    const now = process.hrtime.bigint();
    this.times.set(phase, (this.times.get(phase) ?? 0) + Number(now - this.last) / 1e6);
    this.last = now;
  }

  phases(): PhaseTimes {
    return [...this.times.entries()].map(([phase, ms]) => ({ phase, ms }));
  }

  /** The phases on one line, whole milliseconds: `lock 3, decide 12, …`. */
  summary(): string {
    return this.phases()
      .map(({ phase, ms }) => `${phase} ${Math.round(ms)}`)
      .join(', ');
  }
}
