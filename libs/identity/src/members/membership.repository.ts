import { Injectable } from '@nestjs/common';
import { PrismaService, type Db, type Membership, type User } from '@statemesh/database';
import type { PageRequest } from '@statemesh/http';
import type { MembershipRole } from '../access/roles';

export type MembershipWithUser = Membership & { user: Pick<User, 'id' | 'email'> };

@Injectable()
export class MembershipRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(data: { accountId: string; userId: string; role: MembershipRole }, db: Db = this.prisma): Promise<Membership> {
    return db.membership.create({ data });
  }

  findRole(accountId: string, userId: string): Promise<{ role: MembershipRole } | null> {
    return this.prisma.membership.findUnique({ where: { accountId_userId: { accountId, userId } }, select: { role: true } });
  }

  find(accountId: string, userId: string, db: Db = this.prisma): Promise<MembershipWithUser | null> {
    return db.membership.findUnique({
      where: { accountId_userId: { accountId, userId } },
      include: { user: { select: { id: true, email: true } } },
    });
  }

  list(accountId: string, page: PageRequest): Promise<MembershipWithUser[]> {
    return this.prisma.membership.findMany({
      where: { accountId, ...(page.after ? { userId: { gt: page.after } } : {}) },
      include: { user: { select: { id: true, email: true } } },
      orderBy: { userId: 'asc' },
      take: page.limit + 1,
    });
  }

  /** Changes a role only if the membership is still at `expectedVersion`; false otherwise. */
  async updateRole(accountId: string, userId: string, role: MembershipRole, expectedVersion: number, db: Db = this.prisma): Promise<boolean> {
    const { count } = await db.membership.updateMany({
      where: { accountId, userId, version: expectedVersion },
      data: { role, version: { increment: 1 } },
    });
    return count > 0;
  }

  async delete(accountId: string, userId: string, db: Db = this.prisma): Promise<boolean> {
    const { count } = await db.membership.deleteMany({ where: { accountId, userId } });
    return count > 0;
  }

  countOwners(accountId: string, db: Db = this.prisma): Promise<number> {
    return db.membership.count({ where: { accountId, role: 'owner' } });
  }

  /** Serialises owner changes of one account (ownership invariants are checked under it). */
  async lockAccount(accountId: string, db: Db): Promise<void> {
    await db.$queryRaw`SELECT id FROM accounts WHERE id = ${accountId} FOR UPDATE`;
  }
}
