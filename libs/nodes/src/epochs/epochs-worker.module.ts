import { Module } from '@nestjs/common';
import { TimeTowerModule } from '../time-tower.module';

/**
 * The Time Tower for the worker process: the epoch tick and what it works
 * on, without HTTP. The worker app imports it and runs `EpochTick.run()` on a
 * repeating job every `epochTickIntervalMs(config.nodes)`
 * (apps/worker/src/epochs/epochs.processor.ts).
 */
@Module({
  imports: [TimeTowerModule],
  exports: [TimeTowerModule],
})
export class EpochsWorkerModule {}
