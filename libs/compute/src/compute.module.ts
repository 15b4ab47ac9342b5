import { Module } from '@nestjs/common';
import { NodesModule } from '@statemesh/nodes';
import { AgentAssignmentsController } from './assignments/agent-assignments.controller';
import { AgentAssignmentsService } from './assignments/agent-assignments.service';
import { CatalogModule } from './catalog/catalog.module';
import { ComputeCoreModule } from './compute-core.module';
import { QuotasModule } from './quotas/quotas.module';
import { AccountOperationsController } from './operations/operations.controller';
import { OperationsService } from './operations/operations.service';
import { VmsController } from './vms/vms.controller';
import { VmsService } from './vms/vms.service';

/** Compute for the API process: VM routes, operations, and the agent's assignment routes. */
@Module({
  imports: [ComputeCoreModule, NodesModule, CatalogModule, QuotasModule],
  controllers: [VmsController, AccountOperationsController, AgentAssignmentsController],
  providers: [VmsService, OperationsService, AgentAssignmentsService],
})
export class ComputeModule {}
