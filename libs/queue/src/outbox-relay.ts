import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '@statemesh/config';
import { TransactionRunner } from '@statemesh/database';
import { OutageLog } from './outage-log';
import { OutboxNotificationListener } from './outbox-notification-listener';
import { OutboxRepository, type ClaimedOutboxMessage } from './outbox.repository';
import { QueueRegistry } from './queue-registry';
import { retryDelayMs } from './retry-delay';
import { WakeSignal } from './wake-signal';
import { withTimeout } from './with-timeout';

/**
 * Moves committed outbox rows to BullMQ. Each pass, in one transaction:
 * take the oldest rows (deleted and returned by one statement, FOR UPDATE
 * SKIP LOCKED, so any number of workers relay side by side without handing
 * the same row over twice), add them to their queues, commit. The deletion
 * commits only after BullMQ accepted the jobs; when Redis is unreachable the
 * transaction rolls back, the rows stay, and the relay retries with backoff.
 *
 * Delivery is at least once: a crash between BullMQ accepting the jobs and
 * the commit relays those rows again. The second copy carries the same job id,
 * so BullMQ ignores it while the first is retained; beyond that, processors
 * are idempotent (every job must be safe to run twice).
 */
@Injectable()
export class OutboxRelay implements OnModuleDestroy {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly outage = new OutageLog(this.logger, 'outbox relay', 'jobs stay in PostgreSQL; retrying with backoff');
  private readonly wakeSignal = new WakeSignal();
  private loop: Promise<void> | undefined;
  private stopping = false;

  constructor(
    private readonly config: AppConfig,
    private readonly transactions: TransactionRunner,
    private readonly outbox: OutboxRepository,
    private readonly queues: QueueRegistry,
    private readonly notifications: OutboxNotificationListener,
  ) {}

  /** Starts relaying in the background: on every outbox notification, and every poll interval. */
  start(): void {
    if (this.loop || this.stopping) return;
    this.notifications.start(() => this.wakeSignal.wake());
    this.loop = this.run();
  }

  /** Stops after the pass in progress (if any) commits or rolls back. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeSignal.cancel();
    await this.loop;
    await this.notifications.stop();
  }

  onModuleDestroy(): Promise<void> {
    return this.stop();
  }

  /** Relays one batch; returns how many jobs BullMQ accepted. Throws (and leaves the rows) when it cannot. */
  async relayBatch(): Promise<number> {
    const { batchSize, publishTimeoutMs } = this.config.outbox;
    // Checked before opening a transaction, so an outage does not lock rows for nothing.
    await this.queues.waitUntilConnected(publishTimeoutMs);
    return this.transactions.run(
      async (tx) => {
        const messages = await this.outbox.takeBatch(tx, batchSize);
        if (messages.length === 0) return 0;
        await withTimeout(this.publish(messages), publishTimeoutMs, `Redis did not accept ${messages.length} job(s) within ${publishTimeoutMs} ms`);
        return messages.length;
      },
      { timeoutMs: publishTimeoutMs + 10_000 },
    );
  }

  private async publish(messages: ClaimedOutboxMessage[]): Promise<void> {
    const byQueue = new Map<string, ClaimedOutboxMessage[]>();
    for (const message of messages) {
      const batch = byQueue.get(message.queue);
      if (batch) batch.push(message);
      else byQueue.set(message.queue, [message]);
    }
    await Promise.all(
      [...byQueue].map(([queue, batch]) =>
        this.queues.get(queue).addBulk(
          batch.map((message) => ({
            name: message.jobName,
            data: message.payload,
            opts: { jobId: message.jobId, delay: message.remainingDelayMs },
          })),
        ),
      ),
    );
  }

  private async run(): Promise<void> {
    const { batchSize, pollIntervalMs, maxRetryDelayMs } = this.config.outbox;
    let failures = 0;
    while (!this.stopping) {
      try {
        const relayed = await this.relayBatch();
        failures = 0;
        this.outage.recovered();
        if (relayed === batchSize) continue; // a full batch: more rows are probably waiting
        await this.wakeSignal.sleep(pollIntervalMs, { wakeable: true });
      } catch (error) {
        if (this.stopping) break;
        failures += 1;
        this.outage.failed(error);
        // Notifications do not cut a backoff short: new rows cannot help an unreachable Redis.
        await this.wakeSignal.sleep(retryDelayMs(failures, pollIntervalMs, maxRetryDelayMs), { wakeable: false });
      }
    }
  }
}
