import { newId } from '@statemesh/common';
import { queueOf, type JobName, type PayloadOf, type QueueName } from './job-types';

export interface EnqueueOptions {
  /**
   * Makes the job deterministic: BullMQ keeps one job per id in a queue, so
   * enqueueing the same `jobName` + `jobId` again while the first job is still
   * waiting, running or retained after finishing adds nothing. Use it for
   * "at most one of these at a time" work, and put a version or attempt number
   * in it when the same work must legitimately run again later.
   * Letters, digits, `.`, `_` and `-`; not only digits. Defaults to a new id.
   */
  jobId?: string;
  /** Run no earlier than this many milliseconds after the transaction commits. */
  delayMs?: number;
}

/** An outbox row as the enqueuer writes it. */
export interface OutboxMessageDraft {
  queue: QueueName;
  jobName: JobName;
  jobId: string;
  payload: object;
  delayMs: number;
}

const JOB_ID = /^[A-Za-z0-9._-]{1,200}$/;
const MAX_DELAY_MS = 2_147_483_647; // the outbox column is a 32-bit integer (about 24 days)

/**
 * Builds and checks the outbox row for one job. The checks run in the
 * caller's transaction, so a job BullMQ would refuse is rejected at the call
 * site instead of blocking the relay later.
 */
export function outboxMessageFor<N extends JobName>(jobName: N, payload: PayloadOf<N>, options: EnqueueOptions = {}): OutboxMessageDraft {
  const queue = queueOf(jobName);
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new TypeError(`payload of ${jobName} must be an object`);
  }
  const delayMs = options.delayMs ?? 0;
  if (!Number.isInteger(delayMs) || delayMs < 0 || delayMs > MAX_DELAY_MS) {
    throw new RangeError(`delayMs of ${jobName} must be an integer between 0 and ${MAX_DELAY_MS} (got ${delayMs})`);
  }
  const key = options.jobId ?? newId();
  if (!JOB_ID.test(key) || /^\d+$/.test(key)) {
    throw new TypeError(`jobId of ${jobName} must be 1-200 letters, digits, ".", "_" or "-", not only digits (got "${key}")`);
  }
  // Scoping the id by job name lets two job types of one queue use the same
  // natural key (a VM id, say) without deduplicating each other away.
  return { queue, jobName, jobId: `${jobName}.${key}`, payload, delayMs };
}
