import type { ResourcePeriodUsage, SettlementPeriod, VmPeriodPrices } from '@statemesh/billing';
import type { Prisma, UsageResourceKind, VolumeProvider } from '@statemesh/database';

/** The prices a period's usage is charged at: the price list in effect at its start. */
export interface PeriodPrices extends VmPeriodPrices {
  /** Per GiB-hour of volume, by provider; a provider missing here costs nothing. */
  volumePerGibHour: Readonly<Partial<Record<VolumeProvider, bigint>>>;
}

/**
 * A share of a period's tenants, settled in its own database transaction
 * alongside the others: the resources whose tenant falls in bucket `index`
 * of `count` (`tenantShardCondition`). Every resource of a tenant is in the
 * same shard, so each tenant's ledger transaction for the period is whole.
 */
export interface TenantShard {
  index: number;
  count: number;
}

/** Every tenant at once. */
export const ALL_TENANTS: TenantShard = Object.freeze({ index: 0, count: 1 });

/**
 * A kind of resource settlement meters (VMs, volumes). Each source has its
 * own cursor, so a source added later starts from its own earliest usage and
 * never holds the others back.
 */
export interface UsageSource {
  readonly kind: UsageResourceKind;
  /** When the first usage of this kind was recorded; null if none yet. */
  earliestUsage(): Promise<Date | null>;
  /** Every resource's usage in the period, read inside the settling transaction: the reference metering. */
  meter(period: SettlementPeriod, prices: PeriodPrices, tx: Prisma.TransactionClient): Promise<ResourcePeriodUsage[]>;
  /**
   * Optional, for large fleets: the same usage as `meter` for the tenants of
   * one shard, written by SQL straight into the settling transaction's
   * `settlement_usage` table (`SettlementRepository.createWorkspace`) instead
   * of travelling through the process. Settlement prefers it when present,
   * and settles the shards of a period concurrently; a source without it is
   * settled in one transaction.
   */
  stage?(period: SettlementPeriod, prices: PeriodPrices, shard: TenantShard, tx: Prisma.TransactionClient): Promise<void>;
}
