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

  /**
   * `limitsAndUsage` of many accounts in one statement; every account given
   * has an entry. The usage is the account's row of `account_vm_usage`, which
   * triggers on `vms` keep in step with every VM written (the migration
   * `account_vm_usage`): one row per account, however many VMs it holds.
   */
  async limitsAndUsageOf(accountIds: readonly string[], db: Db = this.prisma): Promise<Map<string, { limits: QuotaLimits | null; usage: QuotaUsage }>> {
    const rows = await db.$queryRaw<Array<{ accountId: string; maxVms: number | null; maxVcpu: number | null; maxMemoryMib: number | null; vms: number; vcpu: bigint; memoryMib: bigint }>>`
      SELECT a.id AS "accountId", q."maxVms", q."maxVcpu", q."maxMemoryMib",
        coalesce(u.vms, 0) AS vms, coalesce(u.vcpu, 0) AS vcpu, coalesce(u."memoryMib", 0) AS "memoryMib"
      FROM unnest(${[...new Set(accountIds)]}::text[]) AS a(id)
      LEFT JOIN account_vm_usage u ON u."accountId" = a.id
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
    return (await this.limitsAndUsage(accountId, db)).usage;
  }
}
