import { Module } from '@nestjs/common';
import { TimeTowerModule } from '@statemesh/nodes';
import { ComputeCoreModule } from '../compute-core.module';
import { NodeLossService } from './node-loss.service';
import { VmReconcilerService } from './vm-reconciler.service';
import { VmSelfHealing } from './vm-self-healing';

/**
 * Self-healing for the worker process: node loss and drains, reconciliation
 * against node reports, restarts and schedules. The API never runs these.
 */
@Module({
  // ComputeCoreModule brings VolumesModule (with compute's attachment delivery).
  imports: [ComputeCoreModule, TimeTowerModule],
  providers: [NodeLossService, VmReconcilerService, VmSelfHealing],
  exports: [VmSelfHealing, NodeLossService, VmReconcilerService],
})
export class HealingWorkerModule {}
