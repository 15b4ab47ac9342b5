import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type Db, type Operation } from '@statemesh/database';

export type VmOperationType = 'vm.create' | 'vm.start' | 'vm.stop' | 'vm.restart' | 'vm.reset' | 'vm.delete';

/** Operations: the records of asynchronous requests and how they ended. */
@Injectable()
export class OperationRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(data: { id: string; accountId: string; type: VmOperationType; targetId: string; status?: 'pending' | 'running' | 'succeeded' }, db: Db = this.prisma): Promise<Operation> {
    const now = new Date();
    return db.operation.create({
      data: {
        id: data.id,
        accountId: data.accountId,
        type: data.type,
        targetType: 'vm',
        targetId: data.targetId,
        status: data.status ?? 'pending',
        startedAt: data.status && data.status !== 'pending' ? now : null,
        completedAt: data.status === 'succeeded' ? now : null,
      },
    });
  }

  /**
   * New operations as they will be stored, and the statement that stores
   * them, for a repository that writes them as part of its own statement.
   */
  prepareMany(
    drafts: ReadonlyArray<{ id: string; accountId: string; type: VmOperationType; targetId: string; status?: 'pending' | 'running' | 'succeeded' }>,
  ): { operations: Operation[]; statement: Prisma.Sql } {
    const now = new Date();
    const operations = drafts.map((data): Operation => {
      const status = data.status ?? 'pending';
      return {
        id: data.id,
        accountId: data.accountId,
        type: data.type,
        targetType: 'vm',
        targetId: data.targetId,
        status,
        error: null,
        createdAt: now,
        startedAt: status !== 'pending' ? now : null,
        completedAt: status === 'succeeded' ? now : null,
      };
    });
    const statement = Prisma.sql`
      INSERT INTO operations (id, "accountId", type, "targetType", "targetId", status, "createdAt", "startedAt", "completedAt")
      SELECT o.id, o."accountId", o.type, o."targetType", o."targetId", o.status::"OperationStatus", o."createdAt", o."startedAt", o."completedAt"
      FROM jsonb_to_recordset(${JSON.stringify(operations)}::jsonb)
        AS o(id text, "accountId" text, type text, "targetType" text, "targetId" text, status text, "createdAt" timestamptz, "startedAt" timestamptz, "completedAt" timestamptz)`;
    return { operations, statement };
  }

  findInAccount(accountId: string, id: string, db: Db = this.prisma): Promise<Operation | null> {
    return db.operation.findFirst({ where: { id, accountId } });
  }

  /** Marks the target's open operations of these types as running (first placement attempt, agent pick-up). */
  async markRunning(targetId: string, types: readonly VmOperationType[], db: Db = this.prisma): Promise<void> {
    await db.operation.updateMany({ where: { targetId, type: { in: [...types] }, status: 'pending' }, data: { status: 'running', startedAt: new Date() } });
  }

  /** `markRunning` for many targets in one statement. */
  async markRunningForEach(targetIds: readonly string[], types: readonly VmOperationType[], db: Db): Promise<void> {
    if (targetIds.length === 0) return;
    await db.$executeRaw`
      UPDATE operations SET status = 'running', "startedAt" = ${new Date()}
      WHERE "targetId" = ANY(${targetIds}::text[]) AND type = ANY(${types}::text[]) AND status = 'pending'`;
  }

  /** Completes the target's open operations of these types; already completed ones keep their outcome. */
  async complete(targetId: string, types: readonly VmOperationType[], outcome: { error?: Prisma.InputJsonValue } = {}, db: Db = this.prisma): Promise<number> {
    const now = new Date();
    const result = await db.operation.updateMany({
      where: { targetId, type: { in: [...types] }, status: { in: ['pending', 'running'] } },
      data: outcome.error
        ? { status: 'failed', error: outcome.error, completedAt: now }
        : { status: 'succeeded', completedAt: now },
    });
    if (result.count > 0) {
      await db.operation.updateMany({ where: { targetId, type: { in: [...types] }, startedAt: null, completedAt: now }, data: { startedAt: now } });
    }
    return result.count;
  }
}
