import { Module } from '@nestjs/common';
import { JobEnqueuer } from './job-enqueuer.service';
import { OutboxNotificationListener } from './outbox-notification-listener';
import { OutboxRelay } from './outbox-relay';
import { OutboxRepository } from './outbox.repository';
import { ProcessorRegistry } from './processor-registry';
import { QueueRegistry } from './queue-registry';
import { RedisConnectionFactory } from './redis-connection.factory';

/**
 * Background work. Every process that writes records imports it for
 * `JobEnqueuer`; nothing here connects to Redis or starts relaying until
 * used, so the API process holds no Redis connection for it. The worker app
 * starts the `OutboxRelay` and registers processors with `ProcessorRegistry`.
 * Workers and the relay stop in onModuleDestroy (waiting for running jobs and
 * the relay pass in progress), then queues and Redis connections close.
 * Needs ConfigModule and DatabaseModule (both global).
 */
@Module({
  providers: [
    RedisConnectionFactory,
    QueueRegistry,
    OutboxRepository,
    JobEnqueuer,
    OutboxNotificationListener,
    OutboxRelay,
    ProcessorRegistry,
  ],
  exports: [JobEnqueuer, QueueRegistry, OutboxRelay, ProcessorRegistry],
})
export class QueueModule {}
