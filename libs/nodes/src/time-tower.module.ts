import { Module } from '@nestjs/common';
import { SessionChallengeRepository } from './agent-sessions/session-challenge.repository';
import { EpochTick } from './epochs/epoch-tick';
import { EpochRepository } from './epochs/epoch.repository';
import { EpochsService } from './epochs/epochs.service';
import { NodeEpochRecordRepository } from './epochs/node-epoch-record.repository';
import { NodeStandingRepository } from './epochs/node-standing.repository';
import { NodeLivenessService } from './liveness/node-liveness.service';
import { NodeCapacityRepository } from './placement/node-capacity.repository';
import { ProofRepository } from './presence/proof.repository';
import { NodeRepository } from './registry/node.repository';

/**
 * The Time Tower without HTTP: epochs, node liveness and the records they
 * work on. Shared by the API (NodesModule) and the worker (EpochsWorkerModule).
 */
@Module({
  providers: [
    NodeRepository,
    SessionChallengeRepository,
    ProofRepository,
    EpochRepository,
    NodeEpochRecordRepository,
    NodeStandingRepository,
    NodeCapacityRepository,
    EpochsService,
    NodeLivenessService,
    EpochTick,
  ],
  exports: [
    NodeRepository,
    SessionChallengeRepository,
    ProofRepository,
    EpochRepository,
    NodeEpochRecordRepository,
    NodeCapacityRepository,
    EpochsService,
    NodeLivenessService,
    EpochTick,
  ],
})
export class TimeTowerModule {}
