import { Injectable } from '@nestjs/common';
import { AppConfig } from '@statemesh/config';
import { DomainError, notFound } from '@statemesh/common';
import type { AccountQuota, Db } from '@statemesh/database';
import type { AccountQuotaResponseDto, PutQuotaDto } from './dto/quota.dto';
import { quotaExcess, quotaProblems } from './quota-rules';
import { QuotaErrors } from './quota.errors';
import { QuotaRepository } from './quota.repository';
import type { QuotaLimits, QuotaUsage } from './quota.types';

/**
 * Per-account limits on live VMs: an admin-set quota, or the configured
 * defaults (QUOTA_DEFAULT_*) for accounts without one.
 */
@Injectable()
export class QuotasService {
  constructor(
    private readonly quotas: QuotaRepository,
    private readonly config: AppConfig,
  ) {}

  /** The limits that apply to the account now. */
  async effective(accountId: string, db?: Db): Promise<QuotaLimits> {
    return limitsOf(await this.quotas.find(accountId, db), this.config.compute.defaultQuota);
  }

  /** What the account's live VMs hold. */
  usage(accountId: string, db?: Db): Promise<QuotaUsage> {
    return this.quotas.usage(accountId, db);
  }

  /**
   * Throws 422 `quota.exceeded`, naming each limit in `errors`, unless the
   * account's live VMs plus `request` fit its quota. Call it in the
   * transaction that creates the VM, after locking what serialises the
   * account's VM creations, so that two creations cannot both fit the last slot.
   */
  async assertFits(accountId: string, request: QuotaUsage, db?: Db): Promise<void> {
    const current = await this.quotas.limitsAndUsage(accountId, db);
    const refusal = quotaRefusal(limitsOf(current.limits, this.config.compute.defaultQuota), current.usage, request);
    if (refusal) throw refusal;
  }

  /**
   * The limits of many accounts and what their live VMs hold, for callers
   * that check several creations at once (`quotaExcess`), under the same
   * locking rule as `assertFits`. Every account given has an entry.
   */
  async standingsOf(accountIds: readonly string[], db?: Db): Promise<Map<string, { limits: QuotaLimits; usage: QuotaUsage }>> {
    const rows = await this.quotas.limitsAndUsageOf(accountIds, db);
    return new Map([...rows].map(([accountId, row]) => [accountId, { limits: limitsOf(row.limits, this.config.compute.defaultQuota), usage: row.usage }]));
  }

  async view(accountId: string): Promise<AccountQuotaResponseDto> {
    const row = await this.quotas.find(accountId);
    return toQuotaResponse(accountId, row, limitsOf(row, this.config.compute.defaultQuota), await this.quotas.usage(accountId));
  }

  /** For platform admins: any account's quota (404 for an unknown account). */
  async viewAny(accountId: string): Promise<AccountQuotaResponseDto> {
    await this.assertAccount(accountId);
    return this.view(accountId);
  }

  /** Sets the account's limits; VMs already running are never stopped by a lower quota, new ones are refused. */
  async put(accountId: string, input: PutQuotaDto): Promise<AccountQuotaResponseDto> {
    const limits = { maxVms: input.maxVms, maxVcpu: input.maxVcpu, maxMemoryMib: input.maxMemoryMib };
    const problems = quotaProblems(limits);
    if (problems.length > 0) {
      throw new DomainError(QuotaErrors['quota.invalid'], problems.map((problem) => problem.message).join(' '), {}, problems);
    }
    await this.assertAccount(accountId);
    const row = await this.quotas.put(accountId, limits);
    return toQuotaResponse(accountId, row, limits, await this.quotas.usage(accountId));
  }

  /** Back to the platform defaults. */
  async reset(accountId: string): Promise<void> {
    await this.assertAccount(accountId);
    await this.quotas.remove(accountId);
  }

  private async assertAccount(accountId: string): Promise<void> {
    if (!(await this.quotas.accountExists(accountId))) throw notFound('Account');
  }
}

/** 422 `quota.exceeded`, naming each limit in `errors`, when `request` does not fit beside `usage`; null when it does. */
export function quotaRefusal(limits: QuotaLimits, usage: QuotaUsage, request: QuotaUsage): DomainError | null {
  const excess = quotaExcess(limits, usage, request);
  return excess.length > 0 ? new DomainError(QuotaErrors['quota.exceeded'], excess.map((problem) => problem.message).join(' '), { quota: limits }, excess) : null;
}

function limitsOf(row: QuotaLimits | null, defaults: QuotaLimits): QuotaLimits {
  return row ? { maxVms: row.maxVms, maxVcpu: row.maxVcpu, maxMemoryMib: row.maxMemoryMib } : { ...defaults };
}

function toQuotaResponse(accountId: string, row: AccountQuota | null, limits: QuotaLimits, usage: QuotaUsage): AccountQuotaResponseDto {
  return { accountId, ...limits, source: row ? 'account' : 'default', updatedAt: row?.updatedAt.toISOString() ?? null, usage };
}
