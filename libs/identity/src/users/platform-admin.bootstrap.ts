import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@statemesh/config';
import { newId } from '@statemesh/common';
import { TransactionRunner } from '@statemesh/database';
import { AccountProvisioner } from '../accounts/account-provisioner';
import { PasswordHasher } from '../passwords/password-hasher';
import { UserRepository } from './user.repository';

/**
 * Makes sure the platform admin named by ADMIN_EMAIL exists, with
 * ADMIN_PASSWORD and an account of their own. Safe to run at every start.
 */
@Injectable()
export class PlatformAdminBootstrap {
  private readonly logger = new Logger(PlatformAdminBootstrap.name);

  constructor(
    private readonly users: UserRepository,
    private readonly provisioner: AccountProvisioner,
    private readonly transactions: TransactionRunner,
    private readonly passwords: PasswordHasher,
    private readonly config: AppConfig,
  ) {}

  async ensure(): Promise<{ userId: string; created: boolean }> {
    const email = this.config.admin.email.toLowerCase();
    const passwordHash = await this.passwords.hash(this.config.admin.password);
    const existing = await this.users.findByEmail(email);
    if (existing) {
      await this.users.makePlatformAdmin(existing.id, passwordHash);
      return { userId: existing.id, created: false };
    }
    const userId = await this.transactions.run(async (tx) => {
      const user = await this.users.create({ id: newId(), email, passwordHash, platformAdmin: true }, tx);
      await this.provisioner.provision(tx, { name: 'platform', ownerUserId: user.id });
      return user.id;
    });
    this.logger.log(`created platform admin ${email}`);
    return { userId, created: true };
  }
}
