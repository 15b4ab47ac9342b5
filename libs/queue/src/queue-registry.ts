import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DEFAULT_JOB_OPTIONS } from './default-job-options';
import { queueOf, type JobName, type PayloadOf } from './job-types';
import { RedisConnectionFactory } from './redis-connection.factory';

/**
 * The BullMQ Queue objects of this process, one per queue name, sharing one
 * fail-fast producer connection. Created on first use, so a process that only
 * enqueues through the outbox (the API) never connects to Redis.
 */
@Injectable()
export class QueueRegistry implements BeforeApplicationShutdown {
  private readonly queues = new Map<string, Queue>();
  private connection: Redis | undefined;

  constructor(private readonly redis: RedisConnectionFactory) {}

  /** The queue called `name`; any name is accepted so rows written by a newer release still relay. */
  get(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, {
        connection: this.producerConnection(),
        prefix: this.redis.prefix,
        defaultJobOptions: DEFAULT_JOB_OPTIONS,
      });
      queue.on('error', (error) => this.redis.reportError(`queue ${name}`, error));
      this.queues.set(name, queue);
    }
    return queue;
  }

  /**
   * Creates or updates a schedule that adds `jobName` every `everyMs`. The
   * schedule lives in Redis under the job's name, so calling this at every
   * start of every worker keeps exactly one schedule, and each run is one job.
   * Called at start-up: fails (rather than waits forever) when Redis is unreachable.
   */
  async upsertRepeatingJob<N extends JobName>(jobName: N, payload: PayloadOf<N>, everyMs: number): Promise<void> {
    await this.waitUntilConnected(10_000);
    await this.get(queueOf(jobName)).upsertJobScheduler(
      jobName,
      { every: everyMs },
      { name: jobName, data: payload, opts: DEFAULT_JOB_OPTIONS },
    );
  }

  /**
   * Resolves once the producer connection is up. Rejects at once when it was
   * up and is now lost, or after `timeoutMs` while it is first connecting.
   * Lets the relay skip a pass during an outage without touching PostgreSQL.
   */
  async waitUntilConnected(timeoutMs: number): Promise<void> {
    const connection = this.producerConnection();
    if (connection.status === 'ready') return;
    // A connection that was up and dropped is retrying on its own schedule: don't wait for it.
    if (connection.status === 'reconnecting' || connection.status === 'close' || connection.status === 'end') {
      throw new Error(`Redis is not reachable (connection ${connection.status})`);
    }
    await new Promise<void>((resolve, reject) => {
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        connection.off('ready', onReady);
        reject(new Error(`Redis is not reachable (connection ${connection.status})`));
      }, timeoutMs);
      connection.once('ready', onReady);
    });
  }

  /** Runs after the relay and the workers stopped (they stop in onModuleDestroy). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.close();
  }

  async close(): Promise<void> {
    const queues = [...this.queues.values()];
    this.queues.clear();
    await Promise.allSettled(queues.map((queue) => queue.close()));
    this.connection?.disconnect();
    this.connection = undefined;
  }

  private producerConnection(): Redis {
    this.connection ??= this.redis.createProducerConnection('producer');
    return this.connection;
  }
}
