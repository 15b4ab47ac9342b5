import { Injectable } from '@nestjs/common';
import { newId } from '@statemesh/common';
import type { Account, Db } from '@statemesh/database';
import { MembershipRepository } from '../members/membership.repository';
import { AccountRepository } from './account.repository';

/**
 * Something every account must have from birth, owned by another bounded
 * context (e.g. its wallet). It runs inside the transaction that creates the
 * account, so the account and everything it needs commit together or not at all.
 */
export interface AccountProvisioningStep {
  provisionAccount(tx: Db, account: Account): Promise<void>;
}

/**
 * Creates an account with its first owner, inside the caller's transaction.
 * Everything an account must have from birth is created here: identity's own
 * records, then the steps other contexts registered at start-up (identity
 * cannot import them: they depend on identity for access control).
 */
@Injectable()
export class AccountProvisioner {
  private readonly steps: AccountProvisioningStep[] = [];

  constructor(
    private readonly accounts: AccountRepository,
    private readonly memberships: MembershipRepository,
  ) {}

  /** Called by other contexts' modules at initialisation. */
  register(step: AccountProvisioningStep): void {
    if (!this.steps.includes(step)) this.steps.push(step);
  }

  async provision(tx: Db, input: { name: string; ownerUserId: string }): Promise<Account> {
    const account = await this.accounts.create({ id: newId(), name: input.name }, tx);
    await this.memberships.create({ accountId: account.id, userId: input.ownerUserId, role: 'owner' }, tx);
    for (const step of this.steps) await step.provisionAccount(tx, account);
    return account;
  }
}
