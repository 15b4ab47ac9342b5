import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type Db, type NodeEpochRecord, type NodeStatus } from '@statemesh/database';

export interface EpochResult {
  nodeId: string;
  expectedProofs: number;
  share: number;
  statusBefore: NodeStatus;
  statusAfter: NodeStatus;
  eligibleAfter: boolean;
  headSequence: number | null;
  headHash: string | null;
}

@Injectable()
export class NodeEpochRecordRepository {
  constructor(private readonly prisma: PrismaService) {}

  async countValid(nodeId: string, epoch: number, db: Db = this.prisma): Promise<void> {
    await db.nodeEpochRecord.upsert({
      where: { nodeId_epoch: { nodeId, epoch } },
      create: { nodeId, epoch, validProofs: 1 },
      update: { validProofs: { increment: 1 } },
    });
  }

  async countInvalid(nodeId: string, epoch: number, rejection: string, db: Db = this.prisma): Promise<void> {
    await db.nodeEpochRecord.upsert({
      where: { nodeId_epoch: { nodeId, epoch } },
      create: { nodeId, epoch, invalidProofs: 1, lastRejection: rejection },
      update: { invalidProofs: { increment: 1 }, lastRejection: rejection },
    });
  }

  findForEpoch(epoch: number, db: Db = this.prisma): Promise<NodeEpochRecord[]> {
    return db.nodeEpochRecord.findMany({ where: { epoch } });
  }

  findForNodes(nodeIds: string[], epochs: number[]): Promise<NodeEpochRecord[]> {
    if (nodeIds.length === 0 || epochs.length === 0) return Promise.resolve([]);
    return this.prisma.nodeEpochRecord.findMany({ where: { nodeId: { in: nodeIds }, epoch: { in: epochs } } });
  }

  /** Closed records of one node with the chain head they saw, oldest first. */
  findHeadsOfNode(nodeId: string): Promise<Array<Pick<NodeEpochRecord, 'epoch' | 'headSequence' | 'headHash'>>> {
    return this.prisma.nodeEpochRecord.findMany({
      where: { nodeId, headSequence: { not: null } },
      select: { epoch: true, headSequence: true, headHash: true },
      orderBy: { epoch: 'asc' },
    });
  }

  /** Writes every node's outcome of an epoch in one statement. */
  async writeResults(tx: Prisma.TransactionClient, epoch: number, results: EpochResult[], now: Date): Promise<void> {
    if (results.length === 0) return;
    await tx.$executeRaw`
      INSERT INTO node_epoch_records
        ("nodeId", epoch, "expectedProofs", share, "statusBefore", "statusAfter", "eligibleAfter", "headSequence", "headHash", "closedAt")
      SELECT r.node_id, ${epoch}, r.expected, r.share, r.status_before::"NodeStatus", r.status_after::"NodeStatus", r.eligible,
             r.head_sequence, r.head_hash, ${now}
      FROM unnest(
        ${results.map((r) => r.nodeId)}::text[],
        ${results.map((r) => r.expectedProofs)}::int[],
        ${results.map((r) => r.share)}::float8[],
        ${results.map((r) => r.statusBefore)}::text[],
        ${results.map((r) => r.statusAfter)}::text[],
        ${results.map((r) => r.eligibleAfter)}::boolean[],
        ${results.map((r) => r.headSequence)}::int[],
        ${results.map((r) => r.headHash)}::text[]
      ) AS r(node_id, expected, share, status_before, status_after, eligible, head_sequence, head_hash)
      ON CONFLICT ("nodeId", epoch) DO UPDATE SET
        "expectedProofs" = EXCLUDED."expectedProofs",
        share = EXCLUDED.share,
        "statusBefore" = EXCLUDED."statusBefore",
        "statusAfter" = EXCLUDED."statusAfter",
        "eligibleAfter" = EXCLUDED."eligibleAfter",
        "headSequence" = EXCLUDED."headSequence",
        "headHash" = EXCLUDED."headHash",
        "closedAt" = EXCLUDED."closedAt"`;
  }
}
