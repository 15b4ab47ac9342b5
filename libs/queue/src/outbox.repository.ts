import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type Db } from '@statemesh/database';
import type { OutboxMessageDraft } from './outbox-message';

/** PostgreSQL channel the relay LISTENs on; enqueue notifies it, delivered at commit. */
export const OUTBOX_CHANNEL = 'statemesh_outbox';

/** An outbox row taken by a relay, with what is left of its delay. */
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
   * Takes the oldest rows no other relay holds, oldest first: deletes them
   * in the caller's transaction and returns them, in one statement. The
   * rows are gone only if that transaction commits (after BullMQ accepted
   * their jobs); a rollback puts them back, and until the end of the
   * transaction other sessions still see them and other relays skip them
   * (SKIP LOCKED), so several relays work side by side without waiting on
   * each other or handing a row over twice.
   */
  async takeBatch(tx: Prisma.TransactionClient, limit: number): Promise<ClaimedOutboxMessage[]> {
    const rows = await tx.$queryRaw<ClaimedOutboxMessage[]>`
      DELETE FROM "outbox_messages"
      WHERE "id" IN (SELECT "id" FROM "outbox_messages" ORDER BY "id" LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING "id", "queue", "jobName", "jobId", "payload",
                GREATEST(0, "delayMs" - FLOOR(EXTRACT(EPOCH FROM (clock_timestamp() - "createdAt")) * 1000))::int AS "remainingDelayMs"`;
    // RETURNING follows no order: jobs are added in the order they were enqueued.
    return rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Rows not yet relayed (committed ones only, as seen from outside any transaction). */
  countPending(db: Db = this.prisma): Promise<number> {
    return db.outboxMessage.count();
  }
}
