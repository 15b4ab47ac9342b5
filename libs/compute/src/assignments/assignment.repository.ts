import { Injectable } from '@nestjs/common';
import { PrismaService, type Assignment, type Db, type Prisma } from '@statemesh/database';

/** NOTIFY channel on which every new assignment announces its node, on commit. */
export const ASSIGNMENTS_CHANNEL = 'statemesh_assignments';

/** Work for node agents, handed out by long-poll and acknowledged by the agent. */
@Injectable()
export class AssignmentRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(
    data: { id: string; nodeId: string; vmId: string | null; volumeId?: string | null; action: string; generation: number; payload: Prisma.InputJsonValue },
    db: Db = this.prisma,
  ): Promise<void> {
    await db.assignment.create({ data });
    // Delivered when (and only if) the transaction commits: the node's long-poll wakes exactly when the work is visible.
    await db.$executeRaw`SELECT pg_notify(${ASSIGNMENTS_CHANNEL}, ${data.nodeId})`;
  }

  /** Many assignments in one statement, each node notified once on commit. */
  async createMany(
    rows: ReadonlyArray<{ id: string; nodeId: string; vmId: string; action: string; generation: number; payload: Prisma.InputJsonValue }>,
    db: Db,
  ): Promise<void> {
    if (rows.length === 0) return;
    await db.$queryRaw`
      WITH inserted AS (
        INSERT INTO assignments (id, "nodeId", "vmId", action, generation, payload)
        SELECT * FROM unnest(
          ${rows.map((r) => r.id)}::text[], ${rows.map((r) => r.nodeId)}::text[], ${rows.map((r) => r.vmId)}::text[],
          ${rows.map((r) => r.action)}::text[], ${rows.map((r) => r.generation)}::int[], ${rows.map((r) => JSON.stringify(r.payload))}::jsonb[]
        )
        RETURNING "nodeId"
      )
      SELECT pg_notify(${ASSIGNMENTS_CHANNEL}, node."nodeId")::text FROM (SELECT DISTINCT "nodeId" FROM inserted) AS node`;
  }

  /** Earlier assignments of the VM that no longer matter (a delete makes a pending start pointless). */
  async supersedeOpen(vmId: string, db: Db = this.prisma): Promise<void> {
    await db.assignment.updateMany({ where: { vmId, status: { in: ['pending', 'delivered'] } }, data: { status: 'superseded' } });
  }

  /**
   * Claims the node's work: new assignments, and delivered ones whose
   * acknowledgement is overdue (the agent crashed or lost the response).
   * SKIP LOCKED lets two concurrent polls of one node split the work instead
   * of handing the same assignment twice at the same moment.
   */
  claim(nodeId: string, ackTimeoutSeconds: number, limit: number): Promise<Assignment[]> {
    return this.prisma.$queryRaw<Assignment[]>`
      UPDATE assignments SET status = 'delivered', deliveries = deliveries + 1, "deliveredAt" = now()
      WHERE id IN (
        SELECT id FROM assignments
        WHERE "nodeId" = ${nodeId}
          AND (status = 'pending' OR (status = 'delivered' AND "deliveredAt" < now() - make_interval(secs => ${ackTimeoutSeconds})))
        ORDER BY "createdAt", id
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      )
      RETURNING *`;
  }

  /** Records the agent's outcome; null when the assignment is not the node's. A repeated ack changes nothing. */
  async acknowledge(nodeId: string, id: string, outcome: 'done' | 'failed', message: string | undefined, db: Db = this.prisma): Promise<{ assignment: Assignment; first: boolean } | null> {
    const updated = await db.assignment.updateMany({
      where: { id, nodeId, status: { in: ['pending', 'delivered'] } },
      data: { status: outcome, ackedAt: new Date(), outcome: message ?? null },
    });
    const assignment = await db.assignment.findFirst({ where: { id, nodeId } });
    return assignment ? { assignment, first: updated.count === 1 } : null;
  }
}
