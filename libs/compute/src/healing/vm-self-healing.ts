import { Injectable, Logger } from '@nestjs/common';
import { NodeLossService } from './node-loss.service';
import { RestartSchedulesService } from './restart-schedules.service';
import { VmReconcilerService } from './vm-reconciler.service';
import { VmRestartsService } from './vm-restarts.service';

export interface SelfHealingPass {
  restarted: number;
  evacuated: number;
  repaired: number;
  flagged: number;
  scheduled: number;
}

/** One pass of self-healing, in the order that keeps it safe: restarts, node loss, reconciliation, schedules. */
@Injectable()
export class VmSelfHealing {
  private readonly logger = new Logger(VmSelfHealing.name);

  constructor(
    private readonly restarts: VmRestartsService,
    private readonly nodeLoss: NodeLossService,
    private readonly reconciler: VmReconcilerService,
    private readonly schedules: RestartSchedulesService,
  ) {}

  async run(now: Date = new Date()): Promise<SelfHealingPass> {
    const restarted = await this.restarts.restartDue(now);
    const evacuated = await this.nodeLoss.evacuate(now);
    const { actions: repaired, flagged } = await this.reconciler.reconcile(now);
    const scheduled = await this.schedules.runDue(now);
    const pass = { restarted, evacuated, repaired, flagged, scheduled };
    if (evacuated + repaired + flagged > 0) this.logger.log(`self-healing: ${JSON.stringify(pass)}`);
    return pass;
  }
}
