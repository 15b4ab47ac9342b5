import { Module } from '@nestjs/common';
import { TimeTowerModule } from '../time-tower.module';

/**
 * The Time Tower for the worker process: import this module into the worker
 * app and run `EpochTick.run()` as a repeating job every
 * `epochTickIntervalMs(config.nodes)`; the tick is idempotent, so every
 * worker may run it and a retry does no harm. With the queue lib, an
 * `EpochsProcessor` provided here registers that job (see docs/nodes.md,
 * "Running the Time Tower").
 */
@Module({
  imports: [TimeTowerModule],
  exports: [TimeTowerModule],
})
export class EpochsWorkerModule {}
