import { Injectable } from '@nestjs/common';
import { PrismaService } from '@statemesh/database';

/**
 * The maintenance side of `idempotency_records`: removing expired ones.
 * (Recording and replaying responses belongs to the HTTP layer.)
 */
@Injectable()
export class IdempotencyRecordRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Deletes records that expired before `now`, `chunkSize` rows per statement so
   * a large backlog never holds long locks or one huge transaction.
   * @returns how many records were deleted.
   */
  async deleteExpired(now: Date, chunkSize = 5_000): Promise<number> {
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
