import { Injectable } from '@nestjs/common';
import { PrismaService, type Db, type RefreshToken } from '@statemesh/database';

@Injectable()
export class RefreshTokenRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(data: { id: string; familyId: string; userId: string; tokenHash: string; expiresAt: Date }, db: Db = this.prisma): Promise<RefreshToken> {
    return db.refreshToken.create({ data });
  }

  findByHash(tokenHash: string, db: Db = this.prisma): Promise<RefreshToken | null> {
    return db.refreshToken.findUnique({ where: { tokenHash } });
  }

  /**
   * Serialises everything that changes one session (rotation, reuse
   * detection, logout): each takes this lock first, so a token minted by a
   * concurrent refresh is always seen — and revoked — by a logout.
   */
  async lockFamily(familyId: string, tx: Db): Promise<void> {
    await tx.$queryRaw`SELECT id FROM refresh_tokens WHERE "familyId" = ${familyId} FOR UPDATE`;
  }

  async markRotated(id: string, now: Date, tx: Db): Promise<void> {
    await tx.refreshToken.update({ where: { id }, data: { rotatedAt: now } });
  }

  async revokeFamily(familyId: string, now: Date, tx: Db): Promise<void> {
    await tx.refreshToken.updateMany({ where: { familyId, revokedAt: null }, data: { revokedAt: now } });
  }
}
