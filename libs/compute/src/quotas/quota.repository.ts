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

  /** The account's own limits (null: the defaults apply) and what its live VMs hold, read in one statement. */
  async limitsAndUsage(accountId: string, db: Db = this.prisma): Promise<{ limits: QuotaLimits | null; usage: QuotaUsage }> {
    return (await this.limitsAndUsageOf([accountId], db)).get(accountId)!;
  }

  /** `limitsAndUsage` of many accounts in one statement; every account given has an entry. */
  async limitsAndUsageOf(accountIds: readonly string[], db: Db = this.prisma): Promise<Map<string, { limits: QuotaLimits | null; usage: QuotaUsage }>> {
    const rows = await db.$queryRaw<Array<{ accountId: string; maxVms: number | null; maxVcpu: number | null; maxMemoryMib: number | null; vms: bigint; vcpu: bigint; memoryMib: bigint }>>`
      SELECT a.id AS "accountId", q."maxVms", q."maxVcpu", q."maxMemoryMib", u.vms, u.vcpu, u."memoryMib"
      FROM unnest(${[...new Set(accountIds)]}::text[]) AS a(id)
      CROSS JOIN LATERAL (
        SELECT count(*)::bigint AS vms, coalesce(sum(vcpu), 0)::bigint AS vcpu, coalesce(sum("memoryMib"), 0)::bigint AS "memoryMib"
        FROM vms WHERE "accountId" = a.id AND "deletedAt" IS NULL AND status <> 'deleted') u
      LEFT JOIN account_quotas q ON q."accountId" = a.id`;
    return new Map(
      rows.map((row) => [
        row.accountId,
        {
          limits: row.maxVms === null ? null : { maxVms: row.maxVms, maxVcpu: row.maxVcpu!, maxMemoryMib: row.maxMemoryMib! },
          usage: { vms: Number(row.vms), vcpu: Number(row.vcpu), memoryMib: Number(row.memoryMib) },
        },
      ]),
    );
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
