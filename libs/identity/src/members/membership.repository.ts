import { Injectable } from '@nestjs/common';
import { Batcher, type BatchOutcome } from '@statemesh/common';
import { PrismaService, type Db, type Membership, type User } from '@statemesh/database';
import type { PageRequest } from '@statemesh/http';
import type { MembershipRole } from '../access/roles';

export type MembershipWithUser = Membership & { user: Pick<User, 'id' | 'email'> };

/** The most role lookups one query answers. */
const MAX_ROLE_LOOKUPS_PER_QUERY = 256;

@Injectable()
export class MembershipRepository {
  /** Role lookups of concurrent requests share queries (every account-scoped request makes one). */
  private readonly roleLookups = new Batcher<{ accountId: string; userId: string }, { role: MembershipRole } | null>((pairs) => this.findRoles(pairs), {
    maxBatch: MAX_ROLE_LOOKUPS_PER_QUERY,
    maxInFlight: 2,
  });

  constructor(private readonly prisma: PrismaService) {}

  create(data: { accountId: string; userId: string; role: MembershipRole }, db: Db = this.prisma): Promise<Membership> {
    return db.membership.create({ data });
  }

  /** The user's role in the account, null when not a member. */
  findRole(accountId: string, userId: string): Promise<{ role: MembershipRole } | null> {
    return this.roleLookups.submit({ accountId, userId });
  }

  /**
   * `findRole` of many (account, user) pairs in one statement, in the order
   * given. Should the statement fail (one request's unusable input, say),
   * each pair is looked up on its own, so that it fails only its own request.
   */
  private async findRoles(pairs: ReadonlyArray<{ accountId: string; userId: string }>): Promise<Array<BatchOutcome<{ role: MembershipRole } | null>>> {
    let rows: Array<{ accountId: string; userId: string; role: MembershipRole }>;
    try {
      rows = await this.prisma.$queryRaw<Array<{ accountId: string; userId: string; role: MembershipRole }>>`
        SELECT m."accountId", m."userId", m.role::text AS role FROM memberships m
        JOIN unnest(${pairs.map((pair) => pair.accountId)}::text[], ${pairs.map((pair) => pair.userId)}::text[]) AS p("accountId", "userId")
          ON m."accountId" = p."accountId" AND m."userId" = p."userId"`;
    } catch (error) {
      if (pairs.length === 1) return [{ ok: false, error }];
      return Promise.all(pairs.map(async (pair) => (await this.findRoles([pair]))[0]));
    }
    const key = (pair: { accountId: string; userId: string }) => JSON.stringify([pair.accountId, pair.userId]);
    const roles = new Map(rows.map((row) => [key(row), row.role]));
    return pairs.map((pair) => {
      const role = roles.get(key(pair));
      return { ok: true, value: role ? { role } : null };
    });
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
