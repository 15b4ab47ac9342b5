import { Injectable } from '@nestjs/common';
import { PrismaService, type AccountQuota, type Db } from '@statemesh/database';
import type { QuotaLimits, QuotaUsage } from './quota.types';

@Injectable()
export class QuotaRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(accountId: string, db: Db = this.prisma): Promise<AccountQuota | null> {
    return db.accountQuota.findUnique({ where: { accountId } });
  }

  async accountExists(accountId: string): Promise<boolean> {
    return (await this.prisma.account.count({ where: { id: accountId } })) > 0;
  }

  put(accountId: string, limits: QuotaLimits): Promise<AccountQuota> {
    return this.prisma.accountQuota.upsert({ where: { accountId }, create: { accountId, ...limits }, update: limits });
  }

  async remove(accountId: string): Promise<void> {
    await this.prisma.accountQuota.deleteMany({ where: { accountId } });
  }

  /** What the account's live VMs (not deleted) hold against its quota. */
  async usage(accountId: string, db: Db = this.prisma): Promise<QuotaUsage> {
    const result = await db.vm.aggregate({
      where: { accountId, deletedAt: null, status: { not: 'deleted' } },
      _count: { _all: true },
      _sum: { vcpu: true, memoryMib: true },
    });
    return { vms: result._count._all, vcpu: result._sum.vcpu ?? 0, memoryMib: result._sum.memoryMib ?? 0 };
  }
}
