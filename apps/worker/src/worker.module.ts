import { Module } from '@nestjs/common';
import { ConfigModule } from '@statemesh/config';
import { DatabaseModule } from '@statemesh/database';
import { IdempotencyRecordRepository, MaintenanceProcessor, QueueModule } from '@statemesh/queue';
import { WorkerLifecycle } from './worker-lifecycle';

/**
 * The worker process: BullMQ processors and the outbox relay, no HTTP.
 * Processors are listed here (not in the libs' modules) so that the API,
 * which imports the same libs, never starts consuming jobs.
 */
@Module({
  imports: [ConfigModule, DatabaseModule, QueueModule],
  providers: [WorkerLifecycle, IdempotencyRecordRepository, MaintenanceProcessor],
})
export class WorkerModule {}
