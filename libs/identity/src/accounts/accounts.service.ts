import { Injectable } from '@nestjs/common';
import { CommonErrors, DomainError, notFound } from '@statemesh/common';
import type { Account } from '@statemesh/database';
import { Versioned, pageRequest, toPage, type Page } from '@statemesh/http';
import type { AccountAccess, Principal } from '../access/principal';
import type { MembershipRole } from '../access/roles';
import { UserRepository } from '../users/user.repository';
import { AccountRepository, type AccountWithRole } from './account.repository';
import type { AccountResponseDto, MeResponseDto } from './dto/account.dto';

export function toAccountResponse(account: Account, role: MembershipRole): AccountResponseDto {
  return {
    id: account.id,
    name: account.name,
    role,
    createdAt: account.createdAt.toISOString(),
    updatedAt: account.updatedAt.toISOString(),
  };
}

@Injectable()
export class AccountsService {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly users: UserRepository,
  ) {}

  async me(principal: Principal): Promise<MeResponseDto> {
    const user = await this.users.findById(principal.userId);
    if (!user) throw new DomainError(CommonErrors['auth.unauthenticated'], 'The user no longer exists.');
    const memberships =
      principal.kind === 'apiToken'
        ? [await this.accountOf(principal.accountId, principal.role)]
        : await this.accounts.listForUser(user.id, { limit: 1000 });
    return {
      kind: principal.kind,
      userId: user.id,
      email: principal.kind === 'user' ? user.email : null,
      platformAdmin: principal.kind === 'user' && user.platformAdmin,
      tokenId: principal.kind === 'apiToken' ? principal.tokenId : null,
      scopes: principal.kind === 'apiToken' ? principal.scopes : [],
      accounts: memberships.map((account) => ({ accountId: account.id, accountName: account.name, role: account.role })),
    };
  }

  async list(principal: Principal, query: { limit?: number; cursor?: string }): Promise<Page<AccountResponseDto>> {
    const request = pageRequest(query);
    const rows =
      principal.kind === 'apiToken'
        ? (request.after ?? '') < principal.accountId
          ? [await this.accountOf(principal.accountId, principal.role)]
          : []
        : await this.accounts.listForUser(principal.userId, request);
    return toPage(rows, request, (row) => row.id, (row) => toAccountResponse(row, row.role));
  }

  async get(access: AccountAccess): Promise<Versioned<AccountResponseDto>> {
    const account = await this.accounts.findById(access.accountId);
    if (!account) throw notFound('Account');
    return new Versioned(toAccountResponse(account, access.role), account.version);
  }

  async rename(access: AccountAccess, name: string, expectedVersion: number | undefined): Promise<Versioned<AccountResponseDto>> {
    const account = await this.accounts.rename(access.accountId, name, expectedVersion);
    if (!account) {
      throw new DomainError(CommonErrors['request.precondition_failed'], 'The account changed since the version in If-Match.');
    }
    return new Versioned(toAccountResponse(account, access.role), account.version);
  }

  private async accountOf(accountId: string, role: MembershipRole): Promise<AccountWithRole> {
    const account = await this.accounts.findById(accountId);
    if (!account) throw notFound('Account');
    return { ...account, role };
  }
}
