import { Injectable } from '@nestjs/common';
import { PrismaService } from '@statemesh/database';

@Injectable()
export class SessionChallengeRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(challenge: { nonceHash: string; nodeId: string; expiresAt: Date }): Promise<void> {
    await this.prisma.nodeSessionChallenge.create({ data: challenge });
  }

  /**
   * Uses the challenge up: deleting it is the atomic test-and-set, so of two
   * concurrent attempts with one nonce exactly one succeeds. False when the
   * nonce is unknown, already used, issued to another node or expired.
   */
  async consume(nonceHash: string, nodeId: string, now: Date): Promise<boolean> {
    const { count } = await this.prisma.nodeSessionChallenge.deleteMany({ where: { nonceHash, nodeId, expiresAt: { gt: now } } });
    return count === 1;
  }

  async deleteExpired(now: Date): Promise<number> {
    const { count } = await this.prisma.nodeSessionChallenge.deleteMany({ where: { expiresAt: { lte: now } } });
    return count;
  }
}
