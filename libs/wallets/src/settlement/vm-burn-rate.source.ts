import { Injectable, type OnModuleInit } from '@nestjs/common';
import { hourlyPriceOfVm } from '@statemesh/billing';
import type { Db } from '@statemesh/database';
import { PricingService } from '../pricing/pricing.service';
import { BurnRateRegistry, type BurnRateSource } from '../wallets/burn-rate.registry';
import { VmUsageRepository } from './vm-usage.repository';

/**
 * VMs' share of an account's burn rate at current prices: the instance type
 * price of every VM that runs or is about to (scheduled, provisioning,
 * starting), and every public UDP port of a VM that exists.
 */
@Injectable()
export class VmBurnRateSource implements BurnRateSource, OnModuleInit {
  readonly name = 'vms';

  constructor(
    private readonly registry: BurnRateRegistry,
    private readonly usage: VmUsageRepository,
    private readonly pricing: PricingService,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  /** Folds the recorded burn changes so that reading them stays cheap (see `VmUsageRepository.foldBurnChanges`). */
  foldChanges(): Promise<number> {
    return this.usage.foldBurnChanges();
  }

  async hourlyCosts(accountIds: readonly string[], db?: Db, now: Date = new Date()): Promise<Map<string, bigint>> {
    const prices = await this.pricing.priceListAt(now, db);
    if (!prices) return new Map(accountIds.map((id) => [id, 0n]));
    const burning = await this.usage.burningResourcesOf(accountIds, db);
    return new Map(
      [...burning].map(([accountId, { instanceTypes, udpPorts }]) => {
        const compute = instanceTypes.reduce((total, row) => total + BigInt(row.count) * hourlyPriceOfVm({ instanceType: row.instanceType, udpPorts: 0 }, prices), 0n);
        return [accountId, compute + BigInt(udpPorts) * prices.publicUdpPortPerHour];
      }),
    );
  }
}
