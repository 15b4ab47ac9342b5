import { Injectable } from '@nestjs/common';
import { DomainError, notFound } from '@statemesh/common';
import { TransactionRunner, isUniqueViolation, type Db } from '@statemesh/database';
import { Versioned, assertVersion, pageRequest, toPage, type Page } from '@statemesh/http';
import type { AccountAccess, Principal } from '../access/principal';
import type { MembershipRole } from '../access/roles';
import { IdentityErrors } from '../identity.errors';
import { UserRepository } from '../users/user.repository';
import type { MemberResponseDto } from './dto/member.dto';
import { MembershipRepository, type MembershipWithUser } from './membership.repository';

export function toMemberResponse(membership: MembershipWithUser): MemberResponseDto {
  return {
    userId: membership.userId,
    email: membership.user.email,
    role: membership.role,
    createdAt: membership.createdAt.toISOString(),
    updatedAt: membership.updatedAt.toISOString(),
  };
}

/**
 * Membership rules: admins manage members; only owners grant, change or
 * remove ownership; an account always keeps at least one owner; anyone may
 * leave (unless they are its last owner).
 */
@Injectable()
export class MembersService {
  constructor(
    private readonly memberships: MembershipRepository,
    private readonly users: UserRepository,
    private readonly transactions: TransactionRunner,
  ) {}

  async list(access: AccountAccess, query: { limit?: number; cursor?: string }): Promise<Page<MemberResponseDto>> {
    const request = pageRequest(query);
    const rows = await this.memberships.list(access.accountId, request);
    return toPage(rows, request, (row) => row.userId, toMemberResponse);
  }

  async get(access: AccountAccess, userId: string): Promise<Versioned<MemberResponseDto>> {
    const membership = await this.memberships.find(access.accountId, userId);
    if (!membership) throw notFound('Member');
    return new Versioned(toMemberResponse(membership), membership.version);
  }

  async add(access: AccountAccess, input: { email: string; role: MembershipRole }): Promise<Versioned<MemberResponseDto>> {
    this.assertMayAssign(access, input.role);
    const user = await this.users.findByEmail(input.email);
    if (!user) throw new DomainError(IdentityErrors['member.user_not_found'], 'No user has this email; they must sign up first.');
    try {
      await this.memberships.create({ accountId: access.accountId, userId: user.id, role: input.role });
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError(IdentityErrors['member.already_member'], 'This user is already a member.');
      throw error;
    }
    return this.get(access, user.id);
  }

  async changeRole(access: AccountAccess, userId: string, role: MembershipRole, expectedVersion: number | undefined): Promise<Versioned<MemberResponseDto>> {
    await this.transactions.run(async (tx) => {
      await this.memberships.lockAccount(access.accountId, tx);
      const current = await this.memberships.find(access.accountId, userId, tx);
      if (!current) throw notFound('Member');
      assertVersion(expectedVersion, current.version);
      if (current.role === role) return;
      if (current.role === 'owner' || role === 'owner') this.assertOwner(access);
      if (current.role === 'owner') await this.assertAnotherOwner(access.accountId, tx);
      await this.memberships.updateRole(access.accountId, userId, role, current.version, tx);
    });
    return this.get(access, userId);
  }

  async remove(access: AccountAccess, principal: Principal, userId: string, expectedVersion: number | undefined): Promise<void> {
    const leaving = principal.userId === userId;
    if (!leaving && access.role !== 'admin' && access.role !== 'owner') {
      throw new DomainError(IdentityErrors['auth.insufficient_role'], 'Removing other members needs the admin role or higher.');
    }
    await this.transactions.run(async (tx) => {
      await this.memberships.lockAccount(access.accountId, tx);
      const current = await this.memberships.find(access.accountId, userId, tx);
      if (!current) throw notFound('Member');
      assertVersion(expectedVersion, current.version);
      if (current.role === 'owner') {
        if (!leaving) this.assertOwner(access);
        await this.assertAnotherOwner(access.accountId, tx);
      }
      await this.memberships.delete(access.accountId, userId, tx);
    });
  }

  private assertMayAssign(access: AccountAccess, role: MembershipRole): void {
    if (role === 'owner') this.assertOwner(access);
  }

  private assertOwner(access: AccountAccess): void {
    if (access.role !== 'owner') throw new DomainError(IdentityErrors['member.owner_required'], 'Only owners can grant, change or remove ownership.');
  }

  private async assertAnotherOwner(accountId: string, tx: Db): Promise<void> {
    if ((await this.memberships.countOwners(accountId, tx)) <= 1) {
      throw new DomainError(IdentityErrors['member.last_owner'], 'This is the last owner of the account; make someone else owner first.');
    }
  }
}
