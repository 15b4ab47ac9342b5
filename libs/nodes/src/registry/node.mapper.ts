import type { Node, NodeEpochRecord } from '@statemesh/database';
import { nodeClassFromDb, readGpus, type NodeArch } from '../node-model';
import type { EpochStandingDto, NodeResponseDto, NodeUsageDto } from './dto/node.dto';

/** What the response needs beyond the node row: the epoch context. */
export interface NodeEpochContext {
  currentEpoch: number | null;
  epochsToActivate: number;
  /** Expected proofs for the whole open epoch (for an established node). */
  expectedProofsThisEpoch: number;
  currentRecord: NodeEpochRecord | null;
  lastClosedRecord: NodeEpochRecord | null;
}

function toUsage(node: Node): NodeUsageDto | null {
  const usage = node.usage as Partial<Record<'vcpu' | 'memoryMib' | 'diskGib', number>> | null;
  if (!usage || !node.lastSeenAt) return null;
  return {
    vcpu: usage.vcpu ?? 0,
    memoryMib: usage.memoryMib ?? 0,
    diskGib: usage.diskGib ?? 0,
    vms: Array.isArray(node.reportedVms) ? node.reportedVms.length : 0,
    reportedAt: node.lastSeenAt.toISOString(),
  };
}

function toStanding(node: Node, context: NodeEpochContext): EpochStandingDto {
  const current = context.currentRecord;
  const last = context.lastClosedRecord;
  return {
    eligible: node.eligible,
    currentEpoch: context.currentEpoch,
    consecutiveGoodEpochs: node.goodEpochs,
    epochsToActivate: context.epochsToActivate,
    consecutiveAbsentEpochs: node.absentEpochs,
    jailedUntilEpoch: node.jailedUntilEpoch,
    jailReason: node.jailReason,
    lastActiveEpoch: node.lastActiveEpoch,
    current:
      context.currentEpoch === null
        ? null
        : {
            epoch: context.currentEpoch,
            validProofs: current?.validProofs ?? 0,
            invalidProofs: current?.invalidProofs ?? 0,
            expectedProofs: context.expectedProofsThisEpoch,
          },
    lastEpoch:
      last && last.statusAfter && last.expectedProofs !== null
        ? {
            epoch: last.epoch,
            validProofs: last.validProofs,
            invalidProofs: last.invalidProofs,
            expectedProofs: last.expectedProofs,
            share: last.share ?? 0,
            statusAfter: last.statusAfter,
            eligibleAfter: last.eligibleAfter ?? false,
          }
        : null,
  };
}

export function toNodeResponse(node: Node, context: NodeEpochContext): NodeResponseDto {
  return {
    id: node.id,
    accountId: node.accountId,
    name: node.name,
    zone: node.zone,
    class: nodeClassFromDb(node.class),
    arch: node.arch as NodeArch,
    virtualization: node.virtualization,
    publicKey: node.publicKey,
    address: node.address ?? node.reportedAddress,
    capacity: { vcpu: node.capacityVcpu, memoryMib: node.capacityMemoryMib, diskGib: node.capacityDiskGib, gpus: readGpus(node.gpus) },
    allocated: {
      vcpu: node.allocatedVcpu,
      memoryMib: node.allocatedMemoryMib,
      diskGib: node.allocatedDiskGib,
      gpus: readGpus(node.allocatedGpus),
    },
    free: {
      vcpu: node.capacityVcpu - node.allocatedVcpu,
      memoryMib: node.capacityMemoryMib - node.allocatedMemoryMib,
      diskGib: node.capacityDiskGib - node.allocatedDiskGib,
    },
    usage: toUsage(node),
    status: node.status,
    epochStanding: toStanding(node, context),
    lastSeenAt: node.lastSeenAt?.toISOString() ?? null,
    agentVersion: node.agentVersion,
    decommissionRequestedAt: node.decommissionRequestedAt?.toISOString() ?? null,
    decommissionedAt: node.decommissionedAt?.toISOString() ?? null,
    statusChangedAt: node.statusChangedAt.toISOString(),
    createdAt: node.createdAt.toISOString(),
    updatedAt: node.updatedAt.toISOString(),
  };
}
