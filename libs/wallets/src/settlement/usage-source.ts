import type { ResourcePeriodUsage, SettlementPeriod, VmPeriodPrices } from '@statemesh/billing';
import type { Prisma, UsageResourceKind } from '@statemesh/database';

/**
 * A kind of resource settlement meters (VMs now; volumes plug in the same
 * way). Each source has its own cursor, so a source added later starts from
 * its own earliest usage and never holds the others back.
 */
export interface UsageSource {
  readonly kind: UsageResourceKind;
  /** When the first usage of this kind was recorded; null if none yet. */
  earliestUsage(): Promise<Date | null>;
  /** Every resource's usage in the period, read inside the settling transaction. */
  meter(period: SettlementPeriod, prices: VmPeriodPrices, tx: Prisma.TransactionClient): Promise<ResourcePeriodUsage[]>;
  /**
   * Optional, for large fleets: the same usage as `meter`, written by SQL
   * straight into the settling transaction's `settlement_usage` table
   * (`SettlementRepository.createWorkspace`) instead of travelling through
   * the process. Settlement prefers it when present.
   */
  stage?(period: SettlementPeriod, prices: VmPeriodPrices, tx: Prisma.TransactionClient): Promise<void>;
}
