import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '@statemesh/config';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { jobDispatcher, type JobHandlers } from './job-dispatcher';
import type { QueueName } from './job-types';
import { RedisConnectionFactory } from './redis-connection.factory';

export interface ProcessorOptions {
  /** Jobs of this queue run at the same time in this process (default WORKER_CONCURRENCY). */
  concurrency?: number;
}

/**
 * Runs the BullMQ workers of this process. A capability registers its queue's
 * handlers once, at application bootstrap, from a provider that only the
 * worker app includes:
 *
 *   processors.register('placement', { 'placement.place-vm': (payload) => this.placement.place(payload.vmId) });
 *
 * Handlers stay thin (they call domain services) and must be safe to run
 * twice: delivery is at least once, and failed jobs are retried.
 */
@Injectable()
export class ProcessorRegistry implements OnModuleDestroy {
  private readonly logger = new Logger(ProcessorRegistry.name);
  private readonly workers = new Map<QueueName, { worker: Worker; connection: Redis }>();

  constructor(
    private readonly config: AppConfig,
    private readonly redis: RedisConnectionFactory,
  ) {}

  register<Q extends QueueName>(queue: Q, handlers: JobHandlers<Q>, options: ProcessorOptions = {}): void {
    if (this.workers.has(queue)) throw new Error(`a processor is already registered for queue ${queue}`);
    const connection = this.redis.createWorkerConnection(`worker:${queue}`);
    const worker = new Worker(queue, jobDispatcher(queue, handlers), {
      connection,
      prefix: this.redis.prefix,
      concurrency: options.concurrency ?? this.config.worker.concurrency,
    });
    worker.on('error', (error) => this.redis.reportError(`worker ${queue}`, error));
    worker.on('failed', (job, error) => this.reportFailure(job, error));
    this.workers.set(queue, { worker, connection });
  }

  get queues(): QueueName[] {
    return [...this.workers.keys()];
  }

  /** Stops taking jobs and waits for the running ones to finish. */
  async close(): Promise<void> {
    const workers = [...this.workers.values()];
    this.workers.clear();
    await Promise.allSettled(workers.map(({ worker }) => worker.close()));
    for (const { connection } of workers) connection.disconnect();
  }

  onModuleDestroy(): Promise<void> {
    return this.close();
  }

  private reportFailure(job: Job | undefined, error: Error): void {
    if (!job) return;
    const attempts = job.opts.attempts ?? 1;
    const what = `job ${job.name} ${job.id} failed on attempt ${job.attemptsMade} of ${attempts}: ${error.message}`;
    if (job.attemptsMade >= attempts) this.logger.error(`${what}; giving up`, error.stack);
    else this.logger.warn(`${what}; will retry`);
  }
}
