import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { IdentityModule } from '@statemesh/identity';
import { AdminNodesController } from './admin/admin-nodes.controller';
import { AdminNodesService } from './admin/admin-nodes.service';
import { AgentSessionsController } from './agent-sessions/agent-sessions.controller';
import { AgentSessionsService } from './agent-sessions/agent-sessions.service';
import { NodeSessionTokens } from './agent-sessions/node-session-tokens';
import { NodeSessionGuard } from './agent-sessions/node-session.guard';
import { AdminEpochsController } from './epochs/admin-epochs.controller';
import { HeartbeatsController } from './heartbeats/heartbeats.controller';
import { HeartbeatsService } from './heartbeats/heartbeats.service';
import { AgentProofsController } from './presence/agent-proofs.controller';
import { NodeProofsController } from './presence/node-proofs.controller';
import { ProofsService } from './presence/proofs.service';
import { AgentNodeController } from './registry/agent-node.controller';
import { NodeViews } from './registry/node-views.service';
import { NodesController } from './registry/nodes.controller';
import { NodesService } from './registry/nodes.service';
import { TimeTowerModule } from './time-tower.module';

/**
 * Nodes and the Time Tower, for the API process: operators' node routes,
 * the agent API (sessions, heartbeats, proofs), admin node and epoch routes.
 * The worker runs the epoch tick through EpochsWorkerModule. Other
 * capabilities import it for NodeSessionGuard (their own agent routes) and
 * the Time Tower's exports (node capacity reservations, epochs).
 */
@Module({
  imports: [IdentityModule, JwtModule.register({}), TimeTowerModule],
  controllers: [
    NodesController,
    NodeProofsController,
    AgentSessionsController,
    AgentNodeController,
    HeartbeatsController,
    AgentProofsController,
    AdminNodesController,
    AdminEpochsController,
  ],
  providers: [NodeViews, NodesService, AdminNodesService, NodeSessionTokens, NodeSessionGuard, AgentSessionsService, HeartbeatsService, ProofsService],
  exports: [NodeSessionGuard, NodeSessionTokens, TimeTowerModule],
})
export class NodesModule {}
