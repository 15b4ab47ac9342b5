import { Injectable } from '@nestjs/common';
import { newId } from '@statemesh/common';
import { PrismaService, isUniqueViolation, type IdempotencyRecord } from '@statemesh/database';

@Injectable()
export class IdempotencyRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Claims the key for a new request; false when a record for it already exists. */
  async claim(entry: { principal: string; key: string; method: string; path: string; requestHash: string; expiresAt: Date }): Promise<boolean> {
    try {
      await this.prisma.idempotencyRecord.create({ data: { id: newId(), ...entry } });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  find(principal: string, key: string): Promise<IdempotencyRecord | null> {
    return this.prisma.idempotencyRecord.findUnique({ where: { principal_key: { principal, key } } });
  }

  async complete(id: string, response: { status: number; body: string; contentType: string }): Promise<void> {
    await this.prisma.idempotencyRecord.update({
      where: { id },
      data: { status: response.status, responseBody: response.body, contentType: response.contentType },
    });
  }

  async release(principal: string, key: string): Promise<void> {
    await this.prisma.idempotencyRecord.deleteMany({ where: { principal, key, status: null } });
  }

  /** Removes a record that expired or whose first request died mid-way, so the key can be claimed again. */
  async removeStale(id: string, staleInFlightBefore: Date): Promise<boolean> {
    const { count } = await this.prisma.idempotencyRecord.deleteMany({
      where: { id, OR: [{ expiresAt: { lt: new Date() } }, { status: null, createdAt: { lt: staleInFlightBefore } }] },
    });
    return count > 0;
  }

  async deleteExpired(now: Date = new Date()): Promise<number> {
    const { count } = await this.prisma.idempotencyRecord.deleteMany({ where: { expiresAt: { lt: now } } });
    return count;
  }
}
