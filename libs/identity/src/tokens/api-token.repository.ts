import { Injectable } from '@nestjs/common';
import { PrismaService, type ApiToken } from '@statemesh/database';
import type { PageRequest } from '@statemesh/http';
import type { MembershipRole } from '../access/roles';

export interface ActiveApiToken {
  token: ApiToken;
  /** The creator's current role in the token's account; null if they left it. */
  creatorRole: MembershipRole | null;
}

@Injectable()
export class ApiTokenRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(data: { id: string; accountId: string; createdByUserId: string; name: string; scopes: string[]; tokenHash: string; expiresAt: Date | null }): Promise<ApiToken> {
    return this.prisma.apiToken.create({ data });
  }

  async findByHash(tokenHash: string): Promise<ActiveApiToken | null> {
    const token = await this.prisma.apiToken.findUnique({ where: { tokenHash } });
    if (!token) return null;
    const membership = token.createdByUserId
      ? await this.prisma.membership.findUnique({
          where: { accountId_userId: { accountId: token.accountId, userId: token.createdByUserId } },
          select: { role: true },
        })
      : null;
    return { token, creatorRole: membership?.role ?? null };
  }

  list(accountId: string, page: PageRequest): Promise<ApiToken[]> {
    return this.prisma.apiToken.findMany({
      where: { accountId, revokedAt: null, ...(page.after ? { id: { gt: page.after } } : {}) },
      orderBy: { id: 'asc' },
      take: page.limit + 1,
    });
  }

  find(accountId: string, id: string): Promise<ApiToken | null> {
    return this.prisma.apiToken.findFirst({ where: { id, accountId } });
  }

  async revoke(accountId: string, id: string): Promise<boolean> {
    const { count } = await this.prisma.apiToken.updateMany({
      where: { id, accountId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    return count > 0;
  }

  /** Records use at most once a minute per token, so busy tokens don't write on every request. */
  async touchLastUsed(id: string, now: Date): Promise<void> {
    await this.prisma.apiToken.updateMany({
      where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now.getTime() - 60_000) } }] },
      data: { lastUsedAt: now },
    });
  }
}
