import { Injectable } from '@nestjs/common';
import { PrismaService, type Db, type Prisma, type VmSnapshot } from '@statemesh/database';

@Injectable()
export class VmSnapshotRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(data: Prisma.VmSnapshotUncheckedCreateInput, db: Db = this.prisma): Promise<VmSnapshot> {
    return db.vmSnapshot.create({ data });
  }

  findById(id: string, db: Db = this.prisma): Promise<VmSnapshot | null> {
    return db.vmSnapshot.findUnique({ where: { id } });
  }

  findInAccount(accountId: string, id: string, db: Db = this.prisma): Promise<VmSnapshot | null> {
    return db.vmSnapshot.findFirst({ where: { id, accountId, status: { not: 'deleted' } } });
  }

  listForVm(vmId: string, page: { after?: string; limit: number }): Promise<VmSnapshot[]> {
    return this.prisma.vmSnapshot.findMany({
      where: { vmId, status: { not: 'deleted' }, ...(page.after ? { id: { gt: page.after } } : {}) },
      orderBy: { id: 'asc' },
      take: page.limit + 1,
    });
  }

  /** Completes a snapshot the node was taking; false if it was not `creating` (a repeated acknowledgement). */
  async complete(id: string, outcome: { status: 'available' } | { status: 'failed'; reason: string }, db: Db = this.prisma): Promise<boolean> {
    const result = await db.vmSnapshot.updateMany({
      where: { id, status: 'creating' },
      data: { status: outcome.status, completedAt: new Date(), ...(outcome.status === 'failed' ? { failureReason: outcome.reason } : {}) },
    });
    return result.count === 1;
  }

  /** Root-disk snapshots that were on a node: lost with it. */
  async markLostOnNode(nodeId: string, db: Db = this.prisma): Promise<void> {
    await db.vmSnapshot.updateMany({ where: { nodeId, status: { in: ['creating', 'available'] } }, data: { status: 'failed', failureReason: 'The node holding the snapshot was lost.' } });
  }
}
