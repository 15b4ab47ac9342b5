import { Injectable } from '@nestjs/common';
import { PrismaService, type Db, type NodeProof, type Prisma } from '@statemesh/database';
import { integerCursor, type PageRequest } from '@statemesh/http';
import type { StoredProofEntry } from '@statemesh/vdf';
import type { ChainHead } from './proof-rules';

@Injectable()
export class ProofRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Locks the node's row for the rest of the transaction, which serializes
   * the node's proofs: two submissions cannot both extend the same head.
   * Returns its status, or null if the node is gone.
   */
  async lockNode(tx: Prisma.TransactionClient, nodeId: string): Promise<{ status: string } | null> {
    const rows = await tx.$queryRaw<Array<{ status: string }>>`SELECT status FROM nodes WHERE id = ${nodeId} FOR UPDATE`;
    return rows[0] ?? null;
  }

  head(nodeId: string, db: Db = this.prisma): Promise<ChainHead | null> {
    return db.nodeProof.findFirst({
      where: { nodeId },
      orderBy: { sequence: 'desc' },
      select: { sequence: true, hash: true, acceptedAt: true },
    });
  }

  async hasInput(nodeId: string, input: string, db: Db = this.prisma): Promise<boolean> {
    return (await db.nodeProof.count({ where: { nodeId, input } })) > 0;
  }

  append(entry: StoredProofEntry & { acceptedAt: Date }, db: Db = this.prisma): Promise<NodeProof> {
    return db.nodeProof.create({ data: entry });
  }

  /** Newest first. */
  list(nodeId: string, page: PageRequest, epoch?: number): Promise<NodeProof[]> {
    return this.prisma.nodeProof.findMany({
      where: {
        nodeId,
        ...(epoch !== undefined ? { epoch } : {}),
        ...(page.after !== undefined ? { sequence: { lt: integerCursor(page.after) } } : {}),
      },
      orderBy: { sequence: 'desc' },
      take: page.limit + 1,
    });
  }

  /** Part of a chain in order, for verification in batches. */
  chainFrom(nodeId: string, fromSequence: number, limit: number): Promise<NodeProof[]> {
    return this.prisma.nodeProof.findMany({
      where: { nodeId, sequence: { gte: fromSequence } },
      orderBy: { sequence: 'asc' },
      take: limit,
    });
  }

  /** Each node's chain head (nodes without proofs are absent), one index probe per node. */
  async headsOf(tx: Prisma.TransactionClient, nodeIds: string[]): Promise<Map<string, { sequence: number; hash: string }>> {
    if (nodeIds.length === 0) return new Map();
    const rows = await tx.$queryRaw<Array<{ nodeId: string; sequence: number; hash: string }>>`
      SELECT ids.id AS "nodeId", head.sequence, head.hash
      FROM unnest(${nodeIds}::text[]) AS ids(id)
      CROSS JOIN LATERAL (
        SELECT sequence, hash FROM node_proofs WHERE "nodeId" = ids.id ORDER BY sequence DESC LIMIT 1
      ) AS head`;
    return new Map(rows.map((row) => [row.nodeId, { sequence: row.sequence, hash: row.hash }]));
  }
}
