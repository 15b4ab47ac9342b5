import { Injectable } from '@nestjs/common';
import { formatMicroUnits, hourlyPriceOfVm, requiredBalance, type VmPriceInput } from '@statemesh/billing';
import { DomainError, notFound } from '@statemesh/common';
import { AppConfig } from '@statemesh/config';
import type { Db } from '@statemesh/database';
import { PricingService } from '../pricing/pricing.service';
import { BurnRateRegistry } from '../wallets/burn-rate.registry';
import { WalletRepository } from '../wallets/wallet.repository';
import { WalletErrors } from '../wallets.errors';

/**
 * Whether an account can afford to run something more: its balance must
 * cover its current burn rate plus the new resource's hourly price for
 * MIN_RUNWAY_HOURS. The compute capability calls it when a VM is created or
 * started, before the VM counts toward the burn rate.
 */
@Injectable()
export class RunwayPolicy {
  constructor(
    private readonly config: AppConfig,
    private readonly wallets: WalletRepository,
    private readonly burnRate: BurnRateRegistry,
    private readonly pricing: PricingService,
  ) {}

  /**
   * Throws 402 `wallet.insufficient_funds` (with `balance`, `required`,
   * `shortfall`, `burnRatePerHour` and `minRunwayHours` in the problem) when
   * balance < (burn rate + additionalPerHour) × MIN_RUNWAY_HOURS. Pass the
   * caller's transaction as `db` to read the balance inside it.
   */
  async assertCanRun(accountId: string, additionalPerHour: bigint, db?: Db): Promise<void> {
    const standing = (await this.standingsOf([accountId], db)).get(accountId);
    if (!standing) throw notFound('Wallet');
    const refusal = this.refusal(standing, additionalPerHour);
    if (refusal) throw refusal;
  }

  /** The balance and burn rate of many accounts, read together (in `db` when given); accounts without a wallet are absent. */
  async standingsOf(accountIds: readonly string[], db?: Db): Promise<Map<string, RunwayStanding>> {
    const balances = await this.wallets.balancesOf(accountIds, db);
    const burnRates = await this.burnRate.hourlyCosts([...balances.keys()], db);
    return new Map([...balances].map(([accountId, balance]) => [accountId, { balance, burnRatePerHour: burnRates.get(accountId) ?? 0n }]));
  }

  /** The 402 `wallet.insufficient_funds` error when `standing` cannot also run `additionalPerHour` for MIN_RUNWAY_HOURS; null when it can. */
  refusal(standing: RunwayStanding, additionalPerHour: bigint): DomainError | null {
    if (additionalPerHour < 0n) throw new RangeError('additionalPerHour must not be negative');
    const { balance, burnRatePerHour } = standing;
    const hours = this.config.settlement.minRunwayHours;
    const required = requiredBalance(burnRatePerHour + additionalPerHour, hours);
    if (balance >= required) return null;
    const shortfall = required - balance;
    return new DomainError(
      WalletErrors['wallet.insufficient_funds'],
      `Running this needs ${formatMicroUnits(required)} micro-units (${hours} h at ${formatMicroUnits(burnRatePerHour + additionalPerHour)} per hour); ` +
        `the wallet holds ${formatMicroUnits(balance)}, ${formatMicroUnits(shortfall)} short.`,
      {
        balance: formatMicroUnits(balance),
        required: formatMicroUnits(required),
        shortfall: formatMicroUnits(shortfall),
        burnRatePerHour: formatMicroUnits(burnRatePerHour),
        minRunwayHours: hours,
      },
    );
  }

  /** A VM's hourly price under the price list in effect at `at` (now by default); 0 when no list is in effect. */
  async hourlyPriceOfVm(vm: VmPriceInput, at: Date = new Date()): Promise<bigint> {
    const prices = await this.pricing.priceListAt(at);
    return prices ? hourlyPriceOfVm(vm, prices) : 0n;
  }
}

/** What an account holds and spends per hour now. */
export interface RunwayStanding {
  balance: bigint;
  burnRatePerHour: bigint;
}
