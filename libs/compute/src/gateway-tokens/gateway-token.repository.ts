import { Injectable } from '@nestjs/common';
import { PrismaService, type GatewayToken } from '@statemesh/database';
import type { PageRequest } from '@statemesh/http';

@Injectable()
export class GatewayTokenRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(data: { id: string; name: string; zones: string[]; tokenHash: string; createdBy: string }): Promise<GatewayToken> {
    return this.prisma.gatewayToken.create({ data });
  }

  findByHash(tokenHash: string): Promise<GatewayToken | null> {
    return this.prisma.gatewayToken.findUnique({ where: { tokenHash } });
  }

  /** Tokens not revoked, in id (creation) order. */
  list(page: PageRequest): Promise<GatewayToken[]> {
    return this.prisma.gatewayToken.findMany({
      where: { revokedAt: null, ...(page.after ? { id: { gt: page.after } } : {}) },
      orderBy: { id: 'asc' },
      take: page.limit + 1,
    });
  }

  async revoke(id: string, now: Date): Promise<boolean> {
    const { count } = await this.prisma.gatewayToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: now } });
    return count > 0;
  }

  /** Records use at most once a minute per token, so busy gateways don't write on every request. */
  async touchLastUsed(id: string, now: Date): Promise<void> {
    await this.prisma.gatewayToken.updateMany({
      where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now.getTime() - 60_000) } }] },
      data: { lastUsedAt: now },
    });
  }
}
