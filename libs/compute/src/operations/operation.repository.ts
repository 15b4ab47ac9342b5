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
   * A new operation as it will be stored, and the statement that stores it,
   * for a repository that writes it as part of its own statement.
   */
  prepare(data: { id: string; accountId: string; type: VmOperationType; targetId: string; status?: 'pending' | 'running' | 'succeeded' }): { operation: Operation; statement: Prisma.Sql } {
    const now = new Date();
    const status = data.status ?? 'pending';
    const operation: Operation = {
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
    const statement = Prisma.sql`
      INSERT INTO operations (id, "accountId", type, "targetType", "targetId", status, "createdAt", "startedAt", "completedAt")
      VALUES (${operation.id}, ${operation.accountId}, ${operation.type}, ${operation.targetType}, ${operation.targetId}, ${operation.status}::"OperationStatus",
              ${operation.createdAt}::timestamptz, ${operation.startedAt}::timestamptz, ${operation.completedAt}::timestamptz)`;
    return { operation, statement };
  }

  findInAccount(accountId: string, id: string): Promise<Operation | null> {
    return this.prisma.operation.findFirst({ where: { id, accountId } });
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
