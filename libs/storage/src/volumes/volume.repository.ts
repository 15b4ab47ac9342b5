import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type Db, type Volume, type VolumeProvider, type VolumeStatus } from '@statemesh/database';
import type { PageRequest } from '@statemesh/http';

export type NewVolume = Omit<Prisma.VolumeUncheckedCreateInput, 'labels' | 'liveName' | 'version' | 'createdAt' | 'updatedAt' | 'deletedAt'> & {
  labels: Record<string, string>;
};

export interface VolumeFilters {
  accountId: string;
  zone?: string;
  status?: VolumeStatus;
  provider?: VolumeProvider;
}

/** What attaching needs to know about a VM: it is live, where it is, and where it runs. */
export interface AttachableVm {
  id: string;
  zone: string;
  nodeId: string | null;
}

export type VolumeChanges = Partial<Pick<Volume, 'name' | 'sizeGib'>> & { labels?: Record<string, string> };

/** Statuses a volume can be deleted from: nothing holds it. */
const DELETABLE: VolumeStatus[] = ['creating', 'available', 'lost', 'error'];
/** VM statuses that no longer hold volumes. */
const GONE_VM_STATUSES = ['deleting', 'deleted'] as const;

/**
 * The only code that reads or writes the `volumes` table, plus the few
 * catalog and VM reads that volume rules depend on (zones, images, nodes,
 * VMs). Every write bumps `version` so `If-Match` works.
 */
@Injectable()
export class VolumeRepository {
  constructor(private readonly prisma: PrismaService) {}

  async zoneIsEnabled(name: string, db: Db = this.prisma): Promise<boolean> {
    return (await db.zone.count({ where: { name, enabled: true } })) > 0;
  }

  /** The minimum disk of an enabled catalog image, or null when there is none by that name. */
  async imageMinDiskGib(name: string, db: Db = this.prisma): Promise<number | null> {
    const image = await db.image.findFirst({ where: { name, enabled: true }, select: { minDiskGib: true } });
    return image?.minDiskGib ?? null;
  }

  /** A node that can hold a local volume in the zone: hosts VMs, and is in the current eligible set. */
  async isEligibleVmNode(nodeId: string, zone: string, db: Db = this.prisma): Promise<boolean> {
    const count = await db.node.count({
      where: { id: nodeId, zone, eligible: true, virtualization: true, status: 'active', class: { in: ['bare_metal', 'datacenter'] } },
    });
    return count > 0;
  }

  create(data: NewVolume, db: Db = this.prisma): Promise<Volume> {
    return db.volume.create({ data: { ...data, liveName: data.name } });
  }

  /** A volume of the account that has not been deleted. */
  findLive(accountId: string, id: string, db: Db = this.prisma): Promise<Volume | null> {
    return db.volume.findFirst({ where: { id, accountId, status: { not: 'deleted' } } });
  }

  /** As findLive, holding the row lock until the transaction ends, so checks and writes see one version. */
  async findLiveForUpdate(accountId: string, id: string, db: Db): Promise<Volume | null> {
    await db.$queryRaw`SELECT id FROM volumes WHERE id = ${id} AND "accountId" = ${accountId} FOR UPDATE`;
    return this.findLive(accountId, id, db);
  }

  findById(id: string, db: Db = this.prisma): Promise<Volume | null> {
    return db.volume.findUnique({ where: { id } });
  }

  list(filters: VolumeFilters, page: PageRequest): Promise<Volume[]> {
    return this.prisma.volume.findMany({
      where: {
        accountId: filters.accountId,
        status: filters.status ?? { not: 'deleted' },
        ...(filters.zone ? { zone: filters.zone } : {}),
        ...(filters.provider ? { provider: filters.provider } : {}),
        ...(page.after ? { id: { gt: page.after } } : {}),
      },
      orderBy: { id: 'asc' },
      take: page.limit + 1,
    });
  }

  /** Renames, relabels or resizes a live volume at `expectedVersion`; null when no row matched. */
  async update(accountId: string, id: string, changes: VolumeChanges, expectedVersion: number, db: Db = this.prisma): Promise<Volume | null> {
    const { count } = await db.volume.updateMany({
      where: { id, accountId, status: { not: 'deleted' }, version: expectedVersion },
      data: {
        ...changes,
        ...(changes.name !== undefined ? { liveName: changes.name } : {}),
        ...(changes.labels !== undefined ? { labels: changes.labels as Prisma.InputJsonValue } : {}),
        version: { increment: 1 },
      },
    });
    return count > 0 ? this.findById(id, db) : null;
  }

  /** Marks a volume deleted (its name is free again) unless something holds it; null when no row matched. */
  async markDeleted(accountId: string, id: string, expectedVersion: number | undefined, db: Db = this.prisma): Promise<Volume | null> {
    const { count } = await db.volume.updateMany({
      where: { id, accountId, status: { in: DELETABLE }, attachedVmId: null, ...(expectedVersion !== undefined ? { version: expectedVersion } : {}) },
      data: { status: 'deleted', liveName: null, deletedAt: new Date(), version: { increment: 1 } },
    });
    return count > 0 ? this.findById(id, db) : null;
  }

  /**
   * Attaches an available volume to a VM — only if it is still available and
   * attached to nothing, so two concurrent attaches cannot both win. A local
   * volume without a node is bound to `bindNodeId` at the same time.
   */
  async attach(id: string, vmId: string, bindNodeId: string | null, db: Db = this.prisma): Promise<Volume | null> {
    const { count } = await db.volume.updateMany({
      where: { id, status: 'available', attachedVmId: null },
      data: { status: 'attached', attachedVmId: vmId, attachedAt: new Date(), version: { increment: 1 } },
    });
    if (count === 0) return null;
    if (bindNodeId !== null) {
      await db.volume.updateMany({ where: { id, provider: 'local', nodeId: null }, data: { nodeId: bindNodeId } });
    }
    return this.findById(id, db);
  }

  /** Detaches a volume from whatever VM holds it; null when it was not attached. */
  async detach(id: string, db: Db = this.prisma): Promise<Volume | null> {
    // A lost local volume stays lost; detaching it frees the VM it pinned to the lost node.
    const lost = await db.volume.updateMany({ where: { id, status: 'lost', attachedVmId: { not: null } }, data: { attachedVmId: null, attachedAt: null, version: { increment: 1 } } });
    if (lost.count > 0) return this.findById(id, db);
    const { count } = await db.volume.updateMany({
      where: { id, status: { in: ['attached', 'detaching'] } },
      data: { status: 'available', attachedVmId: null, attachedAt: null, version: { increment: 1 } },
    });
    return count > 0 ? this.findById(id, db) : null;
  }

  findAttachedTo(vmId: string, db: Db = this.prisma): Promise<Volume[]> {
    return db.volume.findMany({ where: { attachedVmId: vmId, status: { in: ['attached', 'detaching'] } }, orderBy: { id: 'asc' } });
  }

  /** The same for many VMs at once, in one query. */
  findAttachedToAny(vmIds: readonly string[], db: Db = this.prisma): Promise<Volume[]> {
    return db.volume.findMany({ where: { attachedVmId: { in: [...vmIds] }, status: { in: ['attached', 'detaching'] } }, orderBy: { id: 'asc' } });
  }

  findLiveVm(accountId: string, vmId: string, db: Db = this.prisma): Promise<AttachableVm | null> {
    return db.vm.findFirst({
      where: { id: vmId, accountId, deletedAt: null, status: { notIn: [...GONE_VM_STATUSES] } },
      select: { id: true, zone: true, nodeId: true },
    });
  }

  /** Binds the VM's unbound local volumes to the node it was placed on. */
  /** Binds the VM's still unbound local volumes to the node; returns the volumes it bound. */
  bindLocalVolumes(vmId: string, nodeId: string, db: Db = this.prisma): Promise<Array<{ id: string; sizeGib: number }>> {
    return db.$queryRaw<Array<{ id: string; sizeGib: number }>>`
      UPDATE volumes SET "nodeId" = ${nodeId}, version = version + 1, "updatedAt" = now()
      WHERE "attachedVmId" = ${vmId} AND provider = 'local' AND "nodeId" IS NULL
      RETURNING id, "sizeGib"`;
  }

  /** Nodes holding local volumes attached to the VM (at most one, by the attach rules). */
  async localNodesOf(vmId: string, db: Db = this.prisma): Promise<string[]> {
    const rows = await db.volume.findMany({
      where: { attachedVmId: vmId, provider: 'local', nodeId: { not: null }, status: { in: ['attached', 'detaching'] } },
      select: { nodeId: true },
      distinct: ['nodeId'],
    });
    return rows.map((row) => row.nodeId!);
  }

  /** Local volumes on a node that is gone: their data went with it. Returns their ids. */
  async markLostOnNode(nodeId: string, db: Db = this.prisma): Promise<string[]> {
    const rows = await db.volume.findMany({
      where: { nodeId, provider: 'local', status: { notIn: ['deleted', 'lost'] } },
      select: { id: true },
    });
    if (rows.length === 0) return [];
    await db.volume.updateMany({
      where: { id: { in: rows.map((row) => row.id) }, status: { notIn: ['deleted', 'lost'] } },
      data: { status: 'lost', statusReason: `Node ${nodeId} was lost; the disk was on it.`, version: { increment: 1 } },
    });
    return rows.map((row) => row.id);
  }

  /** Sets the outcome of a volume's creation (an agent filled it, or could not). */
  async finishCreation(id: string, outcome: { status: 'available' | 'error'; reason: string | null }, db: Db = this.prisma): Promise<Volume | null> {
    const { count } = await db.volume.updateMany({
      where: { id, status: 'creating' },
      data: { status: outcome.status, statusReason: outcome.reason, version: { increment: 1 } },
    });
    return count > 0 ? this.findById(id, db) : null;
  }
}
