/**
 * A sleep that can be cut short: by `wake()` (new outbox rows were committed)
 * when the sleeper allows it, and always by `cancel()` (shutdown). A wake that
 * arrives while nobody sleeps is remembered, so a notification received during
 * a relay pass starts the next pass at once instead of after the poll interval.
 */
export class WakeSignal {
  private pending = false;
  private cancelled = false;
  private current: { resolve: () => void; wakeable: boolean; timer: NodeJS.Timeout } | undefined;

  wake(): void {
    if (this.current?.wakeable) this.finish();
    else this.pending = true;
  }

  cancel(): void {
    this.cancelled = true;
    this.finish();
  }

  /** Sleeps up to `ms`; `wakeable: false` (backing off after a failure) ignores wake(). */
  sleep(ms: number, options: { wakeable: boolean }): Promise<void> {
    if (this.cancelled) return Promise.resolve();
    if (options.wakeable && this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.finish(), ms);
      this.current = { resolve, wakeable: options.wakeable, timer };
    });
  }

  private finish(): void {
    const current = this.current;
    if (!current) return;
    this.current = undefined;
    this.pending = false;
    clearTimeout(current.timer);
    current.resolve();
  }
}
