import { Injectable } from '@nestjs/common';
import { newId } from '@statemesh/common';
import type { Account, Db } from '@statemesh/database';
import { MembershipRepository } from '../members/membership.repository';
import { AccountRepository } from './account.repository';

/**
 * Creates an account with its first owner, inside the caller's transaction.
 * Everything an account must have from birth is created here.
 */
@Injectable()
export class AccountProvisioner {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly memberships: MembershipRepository,
  ) {}

  async provision(tx: Db, input: { name: string; ownerUserId: string }): Promise<Account> {
    const account = await this.accounts.create({ id: newId(), name: input.name }, tx);
    await this.memberships.create({ accountId: account.id, userId: input.ownerUserId, role: 'owner' }, tx);
    return account;
  }
}
