import { Injectable } from '@nestjs/common';
import { PrismaService, type Db, type VolumeSnapshot, type VolumeSnapshotStatus } from '@statemesh/database';
import type { PageRequest } from '@statemesh/http';

export type NewVolumeSnapshot = Pick<
  VolumeSnapshot,
  'id' | 'accountId' | 'volumeId' | 'name' | 'zone' | 'sizeGib' | 'provider' | 'status' | 'location' | 'nodeId' | 'vmId'
>;

export interface VolumeSnapshotFilters {
  accountId: string;
  volumeId?: string;
  status?: VolumeSnapshotStatus;
}

/** The only code that reads or writes the `volume_snapshots` table. */
@Injectable()
export class VolumeSnapshotRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(data: NewVolumeSnapshot, db: Db = this.prisma): Promise<VolumeSnapshot> {
    return db.volumeSnapshot.create({ data });
  }

  findLive(accountId: string, id: string, db: Db = this.prisma): Promise<VolumeSnapshot | null> {
    return db.volumeSnapshot.findFirst({ where: { id, accountId, status: { not: 'deleted' } } });
  }

  findById(id: string, db: Db = this.prisma): Promise<VolumeSnapshot | null> {
    return db.volumeSnapshot.findUnique({ where: { id } });
  }

  list(filters: VolumeSnapshotFilters, page: PageRequest): Promise<VolumeSnapshot[]> {
    return this.prisma.volumeSnapshot.findMany({
      where: {
        accountId: filters.accountId,
        status: filters.status ?? { not: 'deleted' },
        ...(filters.volumeId ? { volumeId: filters.volumeId } : {}),
        ...(page.after ? { id: { gt: page.after } } : {}),
      },
      orderBy: { id: 'asc' },
      take: page.limit + 1,
    });
  }

  /** Marks a snapshot deleted (unless it is still being taken); null when no row matched. */
  async markDeleted(accountId: string, id: string, expectedVersion: number | undefined, db: Db = this.prisma): Promise<VolumeSnapshot | null> {
    const { count } = await db.volumeSnapshot.updateMany({
      where: {
        id,
        accountId,
        status: { in: ['available', 'lost', 'error'] },
        ...(expectedVersion !== undefined ? { version: expectedVersion } : {}),
      },
      data: { status: 'deleted', deletedAt: new Date(), version: { increment: 1 } },
    });
    return count > 0 ? this.findById(id, db) : null;
  }

  /** Sets the outcome of a snapshot being taken; null when it was not being taken. */
  async finish(id: string, status: 'available' | 'error', db: Db = this.prisma): Promise<VolumeSnapshot | null> {
    const { count } = await db.volumeSnapshot.updateMany({
      where: { id, status: 'creating' },
      data: { status, version: { increment: 1 } },
    });
    return count > 0 ? this.findById(id, db) : null;
  }

  /** Snapshots kept on a node that is gone. Returns their ids. */
  async markLostOnNode(nodeId: string, db: Db = this.prisma): Promise<string[]> {
    const rows = await db.volumeSnapshot.findMany({
      where: { nodeId, location: 'node', status: { notIn: ['deleted', 'lost'] } },
      select: { id: true },
    });
    if (rows.length === 0) return [];
    await db.volumeSnapshot.updateMany({
      where: { id: { in: rows.map((row) => row.id) } },
      data: { status: 'lost', version: { increment: 1 } },
    });
    return rows.map((row) => row.id);
  }
}
