import { Injectable, type OnModuleInit } from '@nestjs/common';
import { volumePeriodUsage, type ResourcePeriodUsage, type SettlementPeriod } from '@statemesh/billing';
import type { Prisma } from '@statemesh/database';
import { SettlementService } from './settlement.service';
import type { PeriodPrices, TenantShard, UsageSource } from './usage-source';
import { VolumeUsageRepository } from './volume-usage.repository';

/**
 * Volumes: every second a volume existed and was usable, at its size, priced
 * per GiB-hour by provider; a local volume's node operator is paid its share.
 * Registers itself with settlement at start-up, with a cursor of its own.
 */
@Injectable()
export class VolumeUsageSource implements UsageSource, OnModuleInit {
  readonly kind = 'volume' as const;

  constructor(
    private readonly settlement: SettlementService,
    private readonly usage: VolumeUsageRepository,
  ) {}

  onModuleInit(): void {
    this.settlement.register(this);
  }

  earliestUsage(): Promise<Date | null> {
    return this.usage.earliestChange();
  }

  /** The reference metering, in TypeScript over each volume's history (`volumePeriodUsage`). */
  async meter(period: SettlementPeriod, prices: PeriodPrices, tx: Prisma.TransactionClient): Promise<ResourcePeriodUsage[]> {
    const operatorOfNode = await this.usage.operatorsOfNodes(tx);
    const volumes = await this.usage.volumesInPeriod(period.start, period.end, tx);
    return volumes.map((volume) => volumePeriodUsage(volume, operatorOfNode, prices, period.start, period.end));
  }

  /** The same rules in one SQL statement, for settlement at fleet scale. */
  async stage(period: SettlementPeriod, prices: PeriodPrices, shard: TenantShard, tx: Prisma.TransactionClient): Promise<void> {
    await this.usage.stageUsage(period.start, period.end, prices, shard, tx);
  }
}
