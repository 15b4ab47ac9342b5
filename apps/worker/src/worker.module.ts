import { DynamicModule, Module } from '@nestjs/common';
import { ComputeCoreModule, HealingWorkerModule } from '@statemesh/compute';
import { ConfigModule, type AppConfig } from '@statemesh/config';
import { DatabaseModule } from '@statemesh/database';
import { IdempotencyRepository } from '@statemesh/http';
import { EpochsWorkerModule } from '@statemesh/nodes';
import { ObservabilityModule } from '@statemesh/observability';
import { QueueModule } from '@statemesh/queue';
import { RedisModule } from '@statemesh/redis';
import { WalletsModule } from '@statemesh/wallets';
import { EpochsProcessor } from './epochs/epochs.processor';
import { MaintenanceProcessor } from './maintenance/maintenance.processor';
import { PlacementProcessor } from './placement/placement.processor';
import { ReconciliationProcessor } from './reconciliation/reconciliation.processor';
import { SettlementProcessor } from './settlement/settlement.processor';
import { WorkerLifecycle } from './worker-lifecycle';

/**
 * The worker process: BullMQ processors and the outbox relay, no HTTP.
 * Processors are listed here (not in the libs' modules) so that the API,
 * which imports the same libs, never starts consuming jobs.
 */
@Module({
  imports: [DatabaseModule, RedisModule, ObservabilityModule, QueueModule, WalletsModule, EpochsWorkerModule, ComputeCoreModule, HealingWorkerModule],
  providers: [WorkerLifecycle, IdempotencyRepository, MaintenanceProcessor, ReconciliationProcessor, EpochsProcessor, PlacementProcessor, SettlementProcessor],
})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: WorkerModule, imports: [ConfigModule.forRoot(config)] };
  }
}
