import { Module } from '@nestjs/common';
import { NodesModule } from '@statemesh/nodes';
import { WalletsModule } from '@statemesh/wallets';
import { AgentAssignmentsController } from './assignments/agent-assignments.controller';
import { AgentAssignmentsService } from './assignments/agent-assignments.service';
import { CatalogModule } from './catalog/catalog.module';
import { ComputeCoreModule } from './compute-core.module';
import { QuotasModule } from './quotas/quotas.module';
import { GatewayRoutesController } from './gateway/gateway-routes.controller';
import { GatewayRoutesRepository } from './gateway/gateway-routes.repository';
import { GatewayRoutesService } from './gateway/gateway-routes.service';
import { GatewayTokensModule } from './gateway-tokens/gateway-tokens.module';
import { AccountOperationsController } from './operations/operations.controller';
import { OperationsService } from './operations/operations.service';
import { VmSnapshotRepository } from './snapshots/vm-snapshot.repository';
import { VmSnapshotsController } from './snapshots/vm-snapshots.controller';
import { VmSnapshotsService } from './snapshots/vm-snapshots.service';
import { VmsController } from './vms/vms.controller';
import { VmAcceptanceMetrics } from './vms/vm-acceptance.metrics';
import { VmAcceptanceService } from './vms/vm-acceptance.service';
import { VmsService } from './vms/vms.service';

/** Compute for the API process: VM routes, operations, the agent's assignment routes and the gateways' routing tables. */
@Module({
  imports: [ComputeCoreModule, NodesModule, CatalogModule, QuotasModule, GatewayTokensModule, WalletsModule],
  controllers: [VmsController, AccountOperationsController, AgentAssignmentsController, GatewayRoutesController, VmSnapshotsController],
  providers: [VmsService, VmAcceptanceService, VmAcceptanceMetrics, OperationsService, AgentAssignmentsService, GatewayRoutesService, GatewayRoutesRepository, VmSnapshotsService, VmSnapshotRepository],
})
export class ComputeModule {}
