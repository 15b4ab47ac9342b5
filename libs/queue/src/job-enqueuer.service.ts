import { Injectable } from '@nestjs/common';
import type { Db, Prisma } from '@statemesh/database';
import type { JobName, PayloadOf } from './job-types';
import { outboxMessageFor, type EnqueueOptions } from './outbox-message';
import { OutboxRepository } from './outbox.repository';

/**
 * The only way the product schedules background work. The job is written to
 * the outbox in the caller's transaction, so it exists exactly when the
 * records that need it exist: a rolled-back transaction schedules nothing, and
 * a committed one is relayed to BullMQ even if Redis is down at that moment.
 *
 * Delivery is at least once (a relay can crash after handing jobs to BullMQ
 * but before deleting the rows), and BullMQ retries failed jobs: every
 * processor must be safe to run twice.
 */
@Injectable()
export class JobEnqueuer {
  constructor(private readonly outbox: OutboxRepository) {}

  /**
   * Schedules `jobName` with `payload` when `tx` commits.
   * @returns the BullMQ job id (`<jobName>.<jobId>`).
   */
  async enqueue<N extends JobName>(tx: Db, jobName: N, payload: PayloadOf<N>, options?: EnqueueOptions): Promise<string> {
    const message = outboxMessageFor(jobName, payload, options);
    await this.outbox.insert(tx, message);
    return message.jobId;
  }

  /**
   * One job per payload, scheduled when the statement returned runs in a
   * transaction that commits: for a repository that writes the jobs as part
   * of its own statement. Null statement when there are no jobs.
   */
  prepareMany<N extends JobName>(jobName: N, jobs: ReadonlyArray<{ payload: PayloadOf<N>; options?: EnqueueOptions }>): { jobIds: string[]; statement: Prisma.Sql | null } {
    const messages = jobs.map((job) => outboxMessageFor(jobName, job.payload, job.options));
    return { jobIds: messages.map((message) => message.jobId), statement: this.outbox.insertManyStatement(messages) };
  }

  /** Schedules one job per payload when `tx` commits, written in one statement. */
  async enqueueMany<N extends JobName>(tx: Db, jobName: N, jobs: ReadonlyArray<{ payload: PayloadOf<N>; options?: EnqueueOptions }>): Promise<string[]> {
    const messages = jobs.map((job) => outboxMessageFor(jobName, job.payload, job.options));
    await this.outbox.insertMany(tx, messages);
    return messages.map((message) => message.jobId);
  }
}
