import { Module } from '@nestjs/common';
import { TimeTowerModule } from '@statemesh/nodes';
import { QueueModule } from '@statemesh/queue';
import { SecretsModule } from '@statemesh/secrets';
import { VolumesModule } from '@statemesh/storage';
import { AssignmentIssuer } from './assignments/assignment-issuer';
import { AssignmentRepository } from './assignments/assignment.repository';
import { OperationRepository } from './operations/operation.repository';
import { HealingMetrics } from './healing/healing.metrics';
import { RestartSchedulesService } from './healing/restart-schedules.service';
import { VmHealingRepository } from './healing/vm-healing.repository';
import { VmHealthService } from './healing/vm-health.service';
import { VmRestartsService } from './healing/vm-restarts.service';
import { CandidateSnapshot } from './placement/candidate-snapshot';
import { PlacementRoundRunner } from './placement/placement-round-runner';
import { PlacementRoundService } from './placement/placement-round.service';
import { VmPlacementService } from './placement/vm-placement.service';
import { VmLifecycleService } from './vms/vm-lifecycle.service';
import { VmRepository } from './vms/vm.repository';
import { VmVolumeDelivery } from './volumes-bridge/vm-volume-delivery';

/**
 * VMs without HTTP: records, lifecycle, placement and assignments. Shared by
 * the API (ComputeModule) and the worker (which runs placement jobs).
 */
@Module({
  imports: [TimeTowerModule, QueueModule, SecretsModule, VolumesModule],
  providers: [
    VmRepository,
    OperationRepository,
    AssignmentRepository,
    AssignmentIssuer,
    CandidateSnapshot,
    VmPlacementService,
    PlacementRoundService,
    PlacementRoundRunner,
    VmLifecycleService,
    VmVolumeDelivery,
    VmHealingRepository,
    HealingMetrics,
    VmRestartsService,
    VmHealthService,
    RestartSchedulesService,
  ],
  exports: [
    VmRepository,
    OperationRepository,
    AssignmentRepository,
    AssignmentIssuer,
    VmPlacementService,
    PlacementRoundRunner,
    VmLifecycleService,
    VmHealingRepository,
    HealingMetrics,
    VmRestartsService,
    VmHealthService,
    RestartSchedulesService,
    QueueModule,
    SecretsModule,
    VolumesModule,
  ],
})
export class ComputeCoreModule {}
