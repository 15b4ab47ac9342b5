import type { JobNameIn, JobPayloads, QueueName } from './job-types';

/** What a handler may want to know about the job it runs, e.g. to log or to derive an idempotency key. */
export interface JobContext {
  queue: QueueName;
  id: string;
  name: string;
  /** Attempts that already failed before this one (0 on the first run). */
  attemptsMade: number;
}

/**
 * The handlers of one queue: exactly one per job name of that queue, each
 * receiving its own payload type. Adding a job name to `JobPayloads` without a
 * handler here is a compile error. Handlers must be safe to run twice.
 */
export type JobHandlers<Q extends QueueName> = {
  [N in JobNameIn<Q>]: (payload: JobPayloads[N], job: JobContext) => Promise<void>;
};

/** The part of a BullMQ job the dispatcher reads. */
export interface DispatchableJob {
  id?: string;
  name: string;
  data: unknown;
  attemptsMade: number;
}

/** Routes a job of `queue` to the handler of its name. */
export function jobDispatcher<Q extends QueueName>(queue: Q, handlers: JobHandlers<Q>): (job: DispatchableJob) => Promise<void> {
  const byName = handlers as Record<string, ((payload: unknown, job: JobContext) => Promise<void>) | undefined>;
  return async (job) => {
    const handler = Object.hasOwn(byName, job.name) ? byName[job.name] : undefined;
    if (!handler) {
      // Most likely a job from a newer release reaching an older worker during a
      // rolling deploy: failing the attempt (not the job) lets a newer worker take the retry.
      throw new Error(`no handler for job "${job.name}" on queue ${queue}`);
    }
    await handler(job.data, { queue, id: job.id ?? '', name: job.name, attemptsMade: job.attemptsMade });
  };
}
