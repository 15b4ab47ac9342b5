import type { DefaultJobOptions } from 'bullmq';

/**
 * What every job gets unless its producer says otherwise. Retries back off
 * exponentially (1 s, 2 s, 4 s, ... about 4 minutes in all), which rides out a
 * database failover or a node agent restart. Finished jobs are kept for a
 * while, bounded by age and count: that is the window in which BullMQ drops a
 * second job with the same id, and what an operator can inspect afterwards.
 */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 24 * 3_600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3_600, count: 50_000 },
} as const satisfies DefaultJobOptions;
