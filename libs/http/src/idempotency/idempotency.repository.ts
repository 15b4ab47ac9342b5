import { Injectable } from '@nestjs/common';
import { newId } from '@statemesh/common';
import { PrismaService, isUniqueViolation, type IdempotencyRecord } from '@statemesh/database';

@Injectable()
export class IdempotencyRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Claims the key for a new request: the new record's id, or null when a record for the key exists. */
  async claim(entry: { principal: string; key: string; method: string; path: string; requestHash: string; expiresAt: Date }): Promise<string | null> {
    try {
      const { id } = await this.prisma.idempotencyRecord.create({ data: { id: newId(), ...entry }, select: { id: true } });
      return id;
    } catch (error) {
      if (isUniqueViolation(error)) return null;
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

  async release(id: string): Promise<void> {
    await this.prisma.idempotencyRecord.deleteMany({ where: { id, status: null } });
  }

  /** Removes a record that expired or whose first request died mid-way, so the key can be claimed again. */
  async removeStale(id: string, staleInFlightBefore: Date): Promise<boolean> {
    const { count } = await this.prisma.idempotencyRecord.deleteMany({
      where: { id, OR: [{ expiresAt: { lt: new Date() } }, { status: null, createdAt: { lt: staleInFlightBefore } }] },
    });
    return count > 0;
  }

  /**
   * Deletes records that expired before `now`, `chunkSize` rows per statement so
   * a large backlog never holds long locks or one huge transaction.
   * @returns how many records were deleted.
   */
  async deleteExpired(now: Date = new Date(), chunkSize = 5_000): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await this.prisma.$executeRaw`
        DELETE FROM "idempotency_records"
        WHERE "id" IN (
          SELECT "id" FROM "idempotency_records"
          WHERE "expiresAt" < ${now}
          LIMIT ${chunkSize}
          FOR UPDATE SKIP LOCKED
        )`;
      total += deleted;
      if (deleted < chunkSize) return total;
    }
  }
}
