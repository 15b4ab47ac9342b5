import { Injectable } from '@nestjs/common';
import { AdvisoryLocks, PrismaService, type Db, type Image } from '@statemesh/database';
import type { PageRequest } from '@statemesh/http';
import { catalogGate } from '../catalog/catalog-gate';

/** Images owned by an account (captured from its VMs). Public catalog images are the catalog's. */
@Injectable()
export class AccountImageRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly locks: AdvisoryLocks,
  ) {}

  create(data: { name: string; displayName: string; osFamily: string; osVersion: string; arch: string; minDiskGib: number; accountId: string; sourceVmId: string }, db: Db = this.prisma): Promise<Image> {
    return db.image.create({ data });
  }

  /** Any image by name (the catalog's or an account's), e.g. the image a VM was created from. */
  findByName(name: string, db: Db = this.prisma): Promise<Image | null> {
    return db.image.findUnique({ where: { name } });
  }

  find(accountId: string, name: string): Promise<Image | null> {
    return this.prisma.image.findFirst({ where: { name, accountId } });
  }

  list(accountId: string, page: PageRequest): Promise<Image[]> {
    return this.prisma.image.findMany({ where: { accountId, ...(page.after ? { name: { gt: page.after } } : {}) }, orderBy: { name: 'asc' }, take: page.limit + 1 });
  }

  /**
   * Deletes the account's image unless a live VM uses it. As catalog deletes
   * do, it holds the image's gate (catalog-gate.ts) first, so a VM being
   * created from it is either committed and counted, or finds it gone.
   */
  deleteUnlessInUse(accountId: string, name: string): Promise<{ outcome: 'deleted' } | { outcome: 'not_found' } | { outcome: 'in_use'; liveVms: number }> {
    return this.prisma.$transaction(async (tx) => {
      await this.locks.hold(tx, [catalogGate('image', name, 'exclusive')]);
      const [entry] = await tx.$queryRaw<Array<{ name: string }>>`SELECT name FROM images WHERE name = ${name} AND "accountId" = ${accountId} FOR UPDATE`;
      if (!entry) return { outcome: 'not_found' as const };
      const [{ live }] = await tx.$queryRaw<Array<{ live: number }>>`SELECT count(*)::int AS live FROM vms WHERE image = ${name} AND "deletedAt" IS NULL`;
      if (live > 0) return { outcome: 'in_use' as const, liveVms: live };
      await tx.$executeRaw`DELETE FROM images WHERE name = ${name} AND "accountId" = ${accountId}`;
      return { outcome: 'deleted' as const };
    });
  }
}
