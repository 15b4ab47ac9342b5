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
   * The job as a statement to run in the caller's transaction, for a
   * repository that writes it together with its own records in one
   * statement: the job is scheduled when that transaction commits.
   */
  prepare<N extends JobName>(jobName: N, payload: PayloadOf<N>, options?: EnqueueOptions): { jobId: string; statement: Prisma.Sql } {
    const message = outboxMessageFor(jobName, payload, options);
    return { jobId: message.jobId, statement: this.outbox.insertStatement(message) };
  }

  /** Schedules one job per payload when `tx` commits, written in one statement. */
  async enqueueMany<N extends JobName>(tx: Db, jobName: N, jobs: ReadonlyArray<{ payload: PayloadOf<N>; options?: EnqueueOptions }>): Promise<string[]> {
    const messages = jobs.map((job) => outboxMessageFor(jobName, job.payload, job.options));
    await this.outbox.insertMany(tx, messages);
    return messages.map((message) => message.jobId);
  }
}
