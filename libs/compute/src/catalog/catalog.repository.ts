import { Injectable } from '@nestjs/common';
import { AdvisoryLocks, Prisma, PrismaService, type Db } from '@statemesh/database';
import type { PageRequest } from '@statemesh/http';
import { catalogGate } from './catalog-gate';
import type { CatalogImage, CatalogInstanceType, CatalogKind, CatalogZone } from './catalog.types';

export interface CatalogFilters {
  enabled?: boolean;
}

export type NewZone = Pick<CatalogZone, 'name' | 'displayName' | 'udpPortMin' | 'udpPortMax' | 'enabled'>;
export type NewImage = Pick<CatalogImage, 'name' | 'displayName' | 'osFamily' | 'osVersion' | 'arch' | 'minDiskGib' | 'sourceUrl' | 'enabled'>;
export type NewInstanceType = Pick<CatalogInstanceType, 'name' | 'series' | 'size' | 'vcpu' | 'memoryMib' | 'gpuModel' | 'gpuCount' | 'enabled'>;

/** How a delete ended: gone, or why not. */
export type CatalogDeleteOutcome = { outcome: 'deleted' } | { outcome: 'not_found' } | { outcome: 'stale'; version: number } | { outcome: 'in_use'; liveVms: number };

// Where each kind lives and which VM column refers to it. Constant identifiers only.
const TABLES: Record<CatalogKind, { table: Prisma.Sql; vmColumn: Prisma.Sql }> = {
  zone: { table: Prisma.raw('zones'), vmColumn: Prisma.raw('zone') },
  image: { table: Prisma.raw('images'), vmColumn: Prisma.raw('image') },
  instanceType: { table: Prisma.raw('instance_types'), vmColumn: Prisma.raw('"instanceType"') },
};

function listWhere(filters: CatalogFilters, page: PageRequest) {
  return {
    ...(filters.enabled !== undefined ? { enabled: filters.enabled } : {}),
    ...(page.after ? { name: { gt: page.after } } : {}),
  };
}

/** Zones, images and instance types: the only code reading or writing the catalog tables. */
@Injectable()
export class CatalogRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly locks: AdvisoryLocks,
  ) {}

  listZones(filters: CatalogFilters, page: PageRequest): Promise<CatalogZone[]> {
    return this.prisma.zone.findMany({ where: listWhere(filters, page), orderBy: { name: 'asc' }, take: page.limit + 1 });
  }

  listImages(filters: CatalogFilters, page: PageRequest): Promise<CatalogImage[]> {
    // The public catalog: account images (captured from VMs) are listed only to their account.
    return this.prisma.image.findMany({ where: { ...listWhere(filters, page), accountId: null }, orderBy: { name: 'asc' }, take: page.limit + 1 });
  }

  listInstanceTypes(filters: CatalogFilters, page: PageRequest): Promise<CatalogInstanceType[]> {
    return this.prisma.instanceType.findMany({ where: listWhere(filters, page), orderBy: { name: 'asc' }, take: page.limit + 1 });
  }

  findZone(name: string, db: Db = this.prisma): Promise<CatalogZone | null> {
    return db.zone.findUnique({ where: { name } });
  }

  findImage(name: string, db: Db = this.prisma): Promise<CatalogImage | null> {
    return db.image.findUnique({ where: { name } });
  }

  findInstanceType(name: string, db: Db = this.prisma): Promise<CatalogInstanceType | null> {
    return db.instanceType.findUnique({ where: { name } });
  }

  /** A VM's zone, image and instance type (null where there is no such entry), read in one statement. */
  async findForVm(names: { zone: string; image: string; instanceType: string }, db: Db = this.prisma): Promise<{ zone: CatalogZone | null; image: CatalogImage | null; instanceType: CatalogInstanceType | null }> {
    const [row] = await db.$queryRaw<Array<{ zone: JsonEntry | null; image: JsonEntry | null; instanceType: JsonEntry | null }>>`
      SELECT (SELECT to_jsonb(z) FROM zones z WHERE z.name = ${names.zone}) AS zone,
             (SELECT to_jsonb(i) FROM images i WHERE i.name = ${names.image}) AS image,
             (SELECT to_jsonb(t) FROM instance_types t WHERE t.name = ${names.instanceType}) AS "instanceType"`;
    return { zone: fromJson<CatalogZone>(row?.zone), image: fromJson<CatalogImage>(row?.image), instanceType: fromJson<CatalogInstanceType>(row?.instanceType) };
  }

  createZone(data: NewZone, db: Db = this.prisma): Promise<CatalogZone> {
    return db.zone.create({ data });
  }

  createImage(data: NewImage, db: Db = this.prisma): Promise<CatalogImage> {
    return db.image.create({ data });
  }

  createInstanceType(data: NewInstanceType, db: Db = this.prisma): Promise<CatalogInstanceType> {
    return db.instanceType.create({ data });
  }

  /** Creates the entries that do not exist yet and leaves existing ones alone; safe concurrently. */
  async createMissing(entries: { zones: NewZone[]; images: NewImage[]; instanceTypes: NewInstanceType[] }, db: Db = this.prisma): Promise<number> {
    const zones = await db.zone.createMany({ data: entries.zones, skipDuplicates: true });
    const images = await db.image.createMany({ data: entries.images, skipDuplicates: true });
    const types = await db.instanceType.createMany({ data: entries.instanceTypes, skipDuplicates: true });
    return zones.count + images.count + types.count;
  }

  /** Changes an entry if it is still at `expectedVersion` (when given); null when it is not, or does not exist. */
  /**
   * Changes an entry if it is still at `expectedVersion` (when given); null when it is not, or does not exist.
   * Holds the entry's gate (catalog-gate.ts) while writing, so the change waits for VMs being created with it.
   */
  updateZone(name: string, data: Partial<NewZone>, expectedVersion: number | undefined): Promise<CatalogZone | null> {
    return this.prisma.$transaction(async (tx) => {
      await this.locks.hold(tx, [catalogGate('zone', name, 'exclusive')]);
      const { count } = await tx.zone.updateMany({ where: { name, ...versionIs(expectedVersion) }, data: { ...data, version: { increment: 1 } } });
      return count > 0 ? this.findZone(name, tx) : null;
    });
  }

  updateImage(name: string, data: Partial<NewImage>, expectedVersion: number | undefined): Promise<CatalogImage | null> {
    return this.prisma.$transaction(async (tx) => {
      await this.locks.hold(tx, [catalogGate('image', name, 'exclusive')]);
      const { count } = await tx.image.updateMany({ where: { name, ...versionIs(expectedVersion) }, data: { ...data, version: { increment: 1 } } });
      return count > 0 ? this.findImage(name, tx) : null;
    });
  }

  updateInstanceType(name: string, data: Partial<NewInstanceType>, expectedVersion: number | undefined): Promise<CatalogInstanceType | null> {
    return this.prisma.$transaction(async (tx) => {
      await this.locks.hold(tx, [catalogGate('instanceType', name, 'exclusive')]);
      const { count } = await tx.instanceType.updateMany({ where: { name, ...versionIs(expectedVersion) }, data: { ...data, version: { increment: 1 } } });
      return count > 0 ? this.findInstanceType(name, tx) : null;
    });
  }

  /**
   * Deletes an entry no live VM (a `vms` row not yet deleted) refers to. The
   * entry's gate (catalog-gate.ts) is held first, so a VM being created with
   * it is either committed and counted, or waits and then finds the entry gone.
   */
  deleteUnlessInUse(kind: CatalogKind, name: string, expectedVersion: number | undefined): Promise<CatalogDeleteOutcome> {
    const { table, vmColumn } = TABLES[kind];
    return this.prisma.$transaction(async (tx): Promise<CatalogDeleteOutcome> => {
      await this.locks.hold(tx, [catalogGate(kind, name, 'exclusive')]);
      const [entry] = await tx.$queryRaw<Array<{ version: number }>>`SELECT version FROM ${table} WHERE name = ${name} FOR UPDATE`;
      if (!entry) return { outcome: 'not_found' };
      if (expectedVersion !== undefined && entry.version !== expectedVersion) return { outcome: 'stale', version: entry.version };
      const [{ live }] = await tx.$queryRaw<Array<{ live: number }>>`
        SELECT count(*)::int AS live FROM vms WHERE ${vmColumn} = ${name} AND "deletedAt" IS NULL`;
      if (live > 0) return { outcome: 'in_use', liveVms: live };
      await tx.$executeRaw`DELETE FROM ${table} WHERE name = ${name}`;
      return { outcome: 'deleted' };
    });
  }
}

type JsonEntry = Record<string, unknown> & { createdAt: string; updatedAt: string };

/** A catalog row read as JSON (`to_jsonb`), with its timestamps as dates again. */
function fromJson<T>(row: JsonEntry | null | undefined): T | null {
  return row ? ({ ...row, createdAt: new Date(row.createdAt), updatedAt: new Date(row.updatedAt) } as T) : null;
}

function versionIs(expectedVersion: number | undefined): { version?: number } {
  return expectedVersion !== undefined ? { version: expectedVersion } : {};
}
