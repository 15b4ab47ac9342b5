import { Injectable } from '@nestjs/common';
import { AppConfig } from '@statemesh/config';
import { WalletRepository } from '../wallets/wallet.repository';

/**
 * Accounts that cannot pay. A wallet is in arrears from the moment its
 * balance first goes below zero until money brings it back to zero or more
 * (the database keeps `arrearsSince` on every balance change). After
 * WALLET_GRACE_HOURS in arrears, the compute capability suspends the
 * account's VMs.
 */
@Injectable()
export class ArrearsService {
  constructor(
    private readonly config: AppConfig,
    private readonly wallets: WalletRepository,
  ) {}

  /** Ids of the accounts whose arrears began more than WALLET_GRACE_HOURS before `now`, longest in arrears first. */
  async accountsPastGrace(now: Date = new Date()): Promise<string[]> {
    const cutoff = new Date(now.getTime() - this.config.settlement.graceHours * 3_600_000);
    const rows = await this.wallets.findInArrearsBefore(cutoff);
    return rows.map((row) => row.accountId);
  }
}
