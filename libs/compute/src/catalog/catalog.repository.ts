import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type Db } from '@statemesh/database';
import type { PageRequest } from '@statemesh/http';
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
  constructor(private readonly prisma: PrismaService) {}

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

  /**
   * Holds a share lock on an entry until `tx` ends, so that it cannot be
   * deleted (deletion locks it for update) while a VM referring to it is
   * being created in that transaction.
   */
  /**
   * Locks a VM's zone, image and instance type FOR SHARE in one statement and
   * tells whether each still exists and is enabled.
   */
  async lockForVm(names: { zone: string; image: string; instanceType: string }, tx: Db): Promise<{ zone: boolean; image: boolean; instanceType: boolean }> {
    const [row] = await tx.$queryRaw<Array<{ zone: boolean | null; image: boolean | null; instanceType: boolean | null }>>`
      WITH z AS (SELECT enabled FROM zones WHERE name = ${names.zone} FOR SHARE),
           i AS (SELECT enabled FROM images WHERE name = ${names.image} FOR SHARE),
           t AS (SELECT enabled FROM instance_types WHERE name = ${names.instanceType} FOR SHARE)
      SELECT (SELECT enabled FROM z) AS zone, (SELECT enabled FROM i) AS image, (SELECT enabled FROM t) AS "instanceType"`;
    return { zone: row?.zone === true, image: row?.image === true, instanceType: row?.instanceType === true };
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
  async updateZone(name: string, data: Partial<NewZone>, expectedVersion: number | undefined): Promise<CatalogZone | null> {
    const { count } = await this.prisma.zone.updateMany({ where: { name, ...versionIs(expectedVersion) }, data: { ...data, version: { increment: 1 } } });
    return count > 0 ? this.findZone(name) : null;
  }

  async updateImage(name: string, data: Partial<NewImage>, expectedVersion: number | undefined): Promise<CatalogImage | null> {
    const { count } = await this.prisma.image.updateMany({ where: { name, ...versionIs(expectedVersion) }, data: { ...data, version: { increment: 1 } } });
    return count > 0 ? this.findImage(name) : null;
  }

  async updateInstanceType(name: string, data: Partial<NewInstanceType>, expectedVersion: number | undefined): Promise<CatalogInstanceType | null> {
    const { count } = await this.prisma.instanceType.updateMany({
      where: { name, ...versionIs(expectedVersion) },
      data: { ...data, version: { increment: 1 } },
    });
    return count > 0 ? this.findInstanceType(name) : null;
  }

  /**
   * Deletes an entry no live VM (a `vms` row not yet deleted) refers to. The
   * entry is locked first, so a VM being created with it in a transaction
   * that holds `lockForVm` is either committed and counted, or not yet
   * started and then finds the entry gone.
   */
  deleteUnlessInUse(kind: CatalogKind, name: string, expectedVersion: number | undefined): Promise<CatalogDeleteOutcome> {
    const { table, vmColumn } = TABLES[kind];
    return this.prisma.$transaction(async (tx): Promise<CatalogDeleteOutcome> => {
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

function versionIs(expectedVersion: number | undefined): { version?: number } {
  return expectedVersion !== undefined ? { version: expectedVersion } : {};
}
