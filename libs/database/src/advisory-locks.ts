import { Injectable } from '@nestjs/common';
import { Prisma } from './generated/prisma/client';
import type { Db } from './transaction-runner';

/**
 * A transaction-scoped PostgreSQL advisory lock on a named key. Shared locks
 * of one key are held side by side; an exclusive one waits for them all and
 * keeps new ones waiting. Unlike row locks (`FOR SHARE`), many shared holders
 * of one key cost PostgreSQL nothing on disk (no MultiXact).
 */
export interface AdvisoryLock {
  key: string;
  mode: 'shared' | 'exclusive';
}

/** Takes advisory locks until the caller's transaction ends. */
@Injectable()
export class AdvisoryLocks {
  /**
   * Takes every lock, in the order given, in one statement. Statements that
   * follow in `tx` see everything committed by the transactions waited for
   * (each statement reads a fresh snapshot), which this one's own reads would not.
   */
  async hold(tx: Db, locks: readonly AdvisoryLock[]): Promise<void> {
    if (locks.length === 0) return;
    const calls = locks.map((lock) =>
      lock.mode === 'shared' ? Prisma.sql`pg_advisory_xact_lock_shared(hashtextextended(${lock.key}, 0))` : Prisma.sql`pg_advisory_xact_lock(hashtextextended(${lock.key}, 0))`,
    );
    await tx.$executeRaw`SELECT ${Prisma.join(calls)}`;
  }

  /**
   * Takes every lock that is free now, in the order given, in one statement,
   * without waiting for any: answers, for each, whether it is held. A
   * transaction that only tries can never be part of a deadlock.
   */
  async tryHold(tx: Db, locks: readonly AdvisoryLock[]): Promise<boolean[]> {
    if (locks.length === 0) return [];
    const calls = locks.map((lock) =>
      lock.mode === 'shared' ? Prisma.sql`pg_try_advisory_xact_lock_shared(hashtextextended(${lock.key}, 0))` : Prisma.sql`pg_try_advisory_xact_lock(hashtextextended(${lock.key}, 0))`,
    );
    const [row] = await tx.$queryRaw<Array<{ held: boolean[] }>>`SELECT ARRAY[${Prisma.join(calls)}] AS held`;
    return row.held;
  }
}
