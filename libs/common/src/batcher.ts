// Pure: no Nest, no Prisma.

/**
 * What a batch answered for one of its items: a value, an error, or a
 * promise of the value for an item the batch hands on (its submitter is
 * answered when that settles, and the batch's slot is not held meanwhile).
 */
export type BatchOutcome<O> = { ok: true; value: O | PromiseLike<O> } | { ok: false; error: unknown };

export interface BatcherOptions {
  /** The most items one batch takes. */
  maxBatch: number;
  /** How many batches may run at once. */
  maxInFlight: number;
}

interface Pending<I, O> {
  item: I;
  alone: boolean;
  resolve: (value: O | PromiseLike<O>) => void;
  reject: (error: unknown) => void;
}

/**
 * Items submitted one by one (one per request) handed to `commit` in
 * batches: group commit of writes (many requests share one transaction),
 * coalesced reads (many requests share one query). A batch starts as soon
 * as fewer than `maxInFlight` run, with every item waiting then (up to
 * `maxBatch`): an item submitted to an idle batcher goes at once, alone;
 * under load, the items that arrive while batches run form the next one.
 * Nothing waits for a timer.
 *
 * `commit` answers one outcome per item, in order; each submitter gets its
 * own. If `commit` throws, every item of the batch gets that error. An item
 * submitted `alone` goes in a batch of its own.
 */
export class Batcher<I, O> {
  private readonly queue: Array<Pending<I, O>> = [];
  private inFlight = 0;

  constructor(
    private readonly commit: (items: I[]) => Promise<Array<BatchOutcome<O>>>,
    private readonly options: BatcherOptions,
  ) {
    if (!(Number.isInteger(options.maxBatch) && options.maxBatch >= 1)) throw new RangeError(`maxBatch must be a positive integer (got ${options.maxBatch})`);
    if (!(Number.isInteger(options.maxInFlight) && options.maxInFlight >= 1)) {
      throw new RangeError(`maxInFlight must be a positive integer (got ${options.maxInFlight})`);
    }
  }

  submit(item: I, options: { alone?: boolean } = {}): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, alone: options.alone === true, resolve, reject });
      this.pump();
    });
  }

  /** Items waiting for a batch. */
  get waiting(): number {
    return this.queue.length;
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const batch = this.take();
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  /** The next batch: the first waiting item alone if it asked to be, else the waiting items up to the first that did. */
  private take(): Array<Pending<I, O>> {
    if (this.queue[0].alone) return this.queue.splice(0, 1);
    let size = 0;
    while (size < this.queue.length && size < this.options.maxBatch && !this.queue[size].alone) size++;
    return this.queue.splice(0, size);
  }

  private async run(batch: Array<Pending<I, O>>): Promise<void> {
    let outcomes: Array<BatchOutcome<O>>;
    try {
      outcomes = await this.commit(batch.map((pending) => pending.item));
      if (outcomes.length !== batch.length) throw new Error(`a batch of ${batch.length} answered ${outcomes.length} outcomes`);
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    batch.forEach((pending, index) => {
      const outcome = outcomes[index];
      if (outcome.ok) pending.resolve(outcome.value);
      else pending.reject(outcome.error);
    });
  }
}
