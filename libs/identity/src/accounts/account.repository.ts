import { Injectable } from '@nestjs/common';
import { PrismaService, type Account, type Db, type MembershipRole } from '@statemesh/database';
import type { PageRequest } from '@statemesh/http';

export type AccountWithRole = Account & { role: MembershipRole };

@Injectable()
export class AccountRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(data: { id: string; name: string }, db: Db = this.prisma): Promise<Account> {
    return db.account.create({ data });
  }

  findById(id: string, db: Db = this.prisma): Promise<Account | null> {
    return db.account.findUnique({ where: { id } });
  }

  async listForUser(userId: string, page: PageRequest): Promise<AccountWithRole[]> {
    const memberships = await this.prisma.membership.findMany({
      where: { userId, ...(page.after ? { accountId: { gt: page.after } } : {}) },
      include: { account: true },
      orderBy: { accountId: 'asc' },
      take: page.limit + 1,
    });
    return memberships.map((membership) => ({ ...membership.account, role: membership.role }));
  }

  /** Renames only if the account is still at `expectedVersion` (when given); null when it is not. */
  async rename(id: string, name: string, expectedVersion: number | undefined): Promise<Account | null> {
    const { count } = await this.prisma.account.updateMany({
      where: { id, ...(expectedVersion !== undefined ? { version: expectedVersion } : {}) },
      data: { name, version: { increment: 1 } },
    });
    return count > 0 ? this.findById(id) : null;
  }
}
