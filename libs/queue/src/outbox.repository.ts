import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type Db } from '@statemesh/database';
import type { OutboxMessageDraft } from './outbox-message';

/** PostgreSQL channel the relay LISTENs on; enqueue notifies it, delivered at commit. */
export const OUTBOX_CHANNEL = 'statemesh_outbox';

/** An outbox row claimed by a relay, with what is left of its delay. */
export interface ClaimedOutboxMessage {
  id: bigint;
  queue: string;
  jobName: string;
  jobId: string;
  payload: unknown;
  /** The requested delay minus the time the row already waited in PostgreSQL. */
  remainingDelayMs: number;
}

/** The only code that reads or writes `outbox_messages`. */
@Injectable()
export class OutboxRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Writes the row in the caller's transaction and wakes the relays when it commits. */
  async insert(db: Db, message: OutboxMessageDraft): Promise<void> {
    await db.outboxMessage.create({
      data: {
        queue: message.queue,
        jobName: message.jobName,
        jobId: message.jobId,
        // Payload types are checked as JSON where they are declared (job-types.ts).
        payload: message.payload as Prisma.InputJsonObject,
        delayMs: message.delayMs,
      },
    });
    // Notifications are queued with the transaction and dropped if it rolls back;
    // PostgreSQL folds identical ones, so a transaction enqueueing many jobs wakes the relay once.
    await db.$executeRaw`SELECT pg_notify(${OUTBOX_CHANNEL}, '')`;
  }

  /**
   * The statement that writes the rows and wakes the relays when its
   * transaction commits, for a repository that writes them as part of its
   * own statement (a data-modifying `WITH` clause). Null when there are none.
   */
  insertManyStatement(messages: readonly OutboxMessageDraft[]): Prisma.Sql | null {
    if (messages.length === 0) return null;
    const rows = messages.map((message) => ({ queue: message.queue, jobName: message.jobName, jobId: message.jobId, payload: message.payload, delayMs: message.delayMs }));
    return Prisma.sql`
      INSERT INTO "outbox_messages" ("queue", "jobName", "jobId", "payload", "delayMs")
      SELECT m.queue, m."jobName", m."jobId", m.payload, m."delayMs"
      FROM pg_notify(${OUTBOX_CHANNEL}, ''), jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS m(queue text, "jobName" text, "jobId" text, payload jsonb, "delayMs" int)`;
  }

  /** Writes many rows with one statement (and one wake-up). */
  async insertMany(db: Db, messages: readonly OutboxMessageDraft[]): Promise<void> {
    if (messages.length === 0) return;
    await db.outboxMessage.createMany({
      data: messages.map((message) => ({
        queue: message.queue,
        jobName: message.jobName,
        jobId: message.jobId,
        payload: message.payload as Prisma.InputJsonObject,
        delayMs: message.delayMs,
      })),
    });
    await db.$executeRaw`SELECT pg_notify(${OUTBOX_CHANNEL}, '')`;
  }

  /**
   * Locks the oldest rows no other relay holds. SKIP LOCKED lets several relays
   * work side by side, each on its own rows, without waiting on each other.
   * Must run inside the transaction that later deletes the rows.
   */
  claimBatch(tx: Prisma.TransactionClient, limit: number): Promise<ClaimedOutboxMessage[]> {
    return tx.$queryRaw<ClaimedOutboxMessage[]>`
      SELECT "id", "queue", "jobName", "jobId", "payload",
             GREATEST(0, "delayMs" - FLOOR(EXTRACT(EPOCH FROM (clock_timestamp() - "createdAt")) * 1000))::int AS "remainingDelayMs"
      FROM "outbox_messages"
      ORDER BY "id"
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED`;
  }

  async delete(tx: Prisma.TransactionClient, ids: readonly bigint[]): Promise<number> {
    const { count } = await tx.outboxMessage.deleteMany({ where: { id: { in: [...ids] } } });
    return count;
  }

  /** Rows not yet relayed (committed ones only, as seen from outside any transaction). */
  countPending(db: Db = this.prisma): Promise<number> {
    return db.outboxMessage.count();
  }
}
