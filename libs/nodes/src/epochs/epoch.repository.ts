import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type Db, type Epoch } from '@statemesh/database';
import { integerCursor, type PageRequest } from '@statemesh/http';

export type OpenEpochRow = Pick<Epoch, 'number' | 'seed' | 'startsAt' | 'endsAt' | 'closedAt' | 'createdAt'>;

export interface EpochOpening {
  number: number;
  seed: string;
  startsAt: Date;
  endsAt: Date;
}

export interface EpochClosing {
  nextSeed: string;
  eligibleNodeIds: string[];
  eligibleSetHash: string;
  summary: Record<string, unknown>;
}

@Injectable()
export class EpochRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The open epoch: there is at most one, the newest. */
  findOpen(db: Db = this.prisma): Promise<Epoch | null> {
    return db.epoch.findFirst({ where: { closedAt: null }, orderBy: { number: 'desc' } });
  }

  /** Opens the first epoch unless one exists already; safe to race (ON CONFLICT DO NOTHING). */
  async openGenesis(epoch: EpochOpening): Promise<void> {
    await this.prisma.epoch.createMany({ data: [epoch], skipDuplicates: true });
  }

  /**
   * The open epoch, share-locked: proofs counted under this lock belong to
   * it, since closing it has to wait for them (and they for the close).
   */
  async lockOpenForShare(tx: Prisma.TransactionClient): Promise<OpenEpochRow | null> {
    const rows = await tx.$queryRaw<OpenEpochRow[]>`
      SELECT number, seed, "startsAt", "endsAt", "closedAt", "createdAt" FROM epochs
      WHERE "closedAt" IS NULL ORDER BY number DESC LIMIT 1 FOR SHARE`;
    return rows[0] ?? null;
  }

  /**
   * The close guard: marks the epoch closed only if it still is open. A
   * concurrent closer blocks on the row until this transaction ends, then
   * finds it closed (or, if this one rolled back, claims it itself).
   */
  async claimClose(tx: Prisma.TransactionClient, number: number, now: Date): Promise<boolean> {
    const { count } = await tx.epoch.updateMany({ where: { number, closedAt: null }, data: { closedAt: now } });
    return count === 1;
  }

  async recordClose(tx: Prisma.TransactionClient, number: number, closing: EpochClosing): Promise<Epoch> {
    return tx.epoch.update({
      where: { number },
      data: { ...closing, summary: closing.summary as Prisma.InputJsonValue },
    });
  }

  /** The next epoch; its number is the primary key, so a second opening of it fails the transaction. */
  open(tx: Prisma.TransactionClient, epoch: EpochOpening): Promise<Epoch> {
    return tx.epoch.create({ data: epoch });
  }

  find(number: number, db: Db = this.prisma): Promise<Epoch | null> {
    return db.epoch.findUnique({ where: { number } });
  }

  /** Newest first. */
  list(page: PageRequest): Promise<Epoch[]> {
    return this.prisma.epoch.findMany({
      where: page.after !== undefined ? { number: { lt: integerCursor(page.after) } } : {},
      orderBy: { number: 'desc' },
      take: page.limit + 1,
    });
  }
}
