import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Account, Db } from '@statemesh/database';
import { AccountProvisioner, type AccountProvisioningStep } from '@statemesh/identity';
import { WalletRepository } from './wallet.repository';

/**
 * Gives every new account its wallet, in the transaction that creates the
 * account. (The database refuses to commit an account without one.)
 */
@Injectable()
export class WalletProvisioningStep implements AccountProvisioningStep, OnModuleInit {
  constructor(
    private readonly provisioner: AccountProvisioner,
    private readonly wallets: WalletRepository,
  ) {}

  onModuleInit(): void {
    this.provisioner.register(this);
  }

  async provisionAccount(tx: Db, account: Account): Promise<void> {
    await this.wallets.createForAccount(account.id, tx);
  }
}
