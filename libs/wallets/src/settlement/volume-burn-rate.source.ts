import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Db, VolumeProvider } from '@statemesh/database';
import { PricingService } from '../pricing/pricing.service';
import { BurnRateRegistry, type BurnRateSource } from '../wallets/burn-rate.registry';
import { VolumeUsageRepository } from './volume-usage.repository';

/**
 * Volumes' share of an account's burn rate at current prices: the GiB of
 * every volume that exists and is usable (creating, available, attached,
 * detaching) at its provider's GiB-hour price.
 */
@Injectable()
export class VolumeBurnRateSource implements BurnRateSource, OnModuleInit {
  readonly name = 'volumes';

  constructor(
    private readonly registry: BurnRateRegistry,
    private readonly usage: VolumeUsageRepository,
    private readonly pricing: PricingService,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async hourlyCosts(accountIds: readonly string[], db?: Db, now: Date = new Date()): Promise<Map<string, bigint>> {
    const prices = await this.pricing.priceListAt(now, db);
    if (!prices) return new Map(accountIds.map((id) => [id, 0n]));
    const held = await this.usage.billableGibByProviderOf(accountIds, db);
    return new Map(
      [...held].map(([accountId, rows]) => [accountId, rows.reduce((total, row) => total + row.gib * (prices.volumePerGibHour[row.provider as VolumeProvider] ?? 0n), 0n)]),
    );
  }
}
