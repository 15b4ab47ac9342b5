import { Injectable } from '@nestjs/common';
import { newId } from '@statemesh/common';
import { Prisma, PrismaService, type Db, type Wallet, type WalletKind } from '@statemesh/database';

/** The fixed ids of the platform's wallets (created by the wallets migration). */
export const PLATFORM_WALLET_IDS = {
  platform_revenue: 'platform_revenue',
  platform_funding: 'platform_funding',
} as const;

export interface WalletBalance {
  id: string;
  kind: WalletKind;
  accountId: string | null;
  balance: bigint;
}

@Injectable()
export class WalletRepository {
  constructor(private readonly prisma: PrismaService) {}

  createForAccount(accountId: string, db: Db = this.prisma): Promise<Wallet> {
    return db.wallet.create({ data: { id: newId(), kind: 'account', accountId } });
  }

  findByAccount(accountId: string, db: Db = this.prisma): Promise<Wallet | null> {
    return db.wallet.findUnique({ where: { accountId } });
  }

  findByIds(ids: string[], db: Db = this.prisma): Promise<Wallet[]> {
    return db.wallet.findMany({ where: { id: { in: ids } } });
  }

  findByAccounts(accountIds: string[], db: Db = this.prisma): Promise<Pick<Wallet, 'id' | 'accountId'>[]> {
    return db.$queryRaw<Pick<Wallet, 'id' | 'accountId'>[]>`SELECT id, "accountId" FROM wallets WHERE "accountId" = ANY(${accountIds}::text[])`;
  }

  /** The balances of the accounts' wallets (accounts without a wallet are absent). */
  async balancesOf(accountIds: readonly string[], db: Db = this.prisma): Promise<Map<string, bigint>> {
    const rows = await db.$queryRaw<Array<{ accountId: string; balance: bigint }>>`
      SELECT "accountId", balance FROM wallets WHERE "accountId" = ANY(${[...new Set(accountIds)]}::text[])`;
    return new Map(rows.map((row) => [row.accountId, BigInt(row.balance)]));
  }

  /** Account wallets whose balance has been below zero since before `cutoff`, oldest arrears first. */
  findInArrearsBefore(cutoff: Date, db: Db = this.prisma): Promise<Array<{ accountId: string; arrearsSince: Date }>> {
    return db.$queryRaw<Array<{ accountId: string; arrearsSince: Date }>>`
      SELECT "accountId", "arrearsSince" FROM wallets
      WHERE kind = 'account' AND "arrearsSince" IS NOT NULL AND "arrearsSince" < ${cutoff}
      ORDER BY "arrearsSince", "accountId"`;
  }

  /**
   * Adds each change to its wallet's cached balance and returns the new
   * balances. Rows are locked in id order first, so concurrent postings
   * touching the same wallets queue up instead of deadlocking; then one
   * statement applies every change, however many wallets a batch touches.
   * Must run in the transaction that inserts the matching entries.
   */
  async applyChanges(changes: ReadonlyMap<string, bigint>, db: Db): Promise<WalletBalance[]> {
    const ids = [...changes.keys()].sort();
    // Amounts travel as text and are cast in SQL: exact, whatever the driver makes of bigint arrays.
    const amounts = ids.map((id) => changes.get(id)!.toString());
    await db.$queryRaw`SELECT id FROM wallets WHERE id = ANY(${ids}::text[]) ORDER BY id FOR UPDATE`;
    const rows = await db.$queryRaw<Array<{ id: string; kind: WalletKind; accountId: string | null; balance: bigint }>>(Prisma.sql`
      UPDATE wallets AS w
      SET balance = w.balance + c.amount::bigint, version = w.version + 1, "updatedAt" = now()
      FROM unnest(${ids}::text[], ${amounts}::text[]) AS c(id, amount)
      WHERE w.id = c.id
      RETURNING w.id, w.kind, w."accountId", w.balance`);
    if (rows.length !== ids.length) throw new Error(`wallets not found: ${ids.filter((id) => !rows.some((row) => row.id === id)).join(', ')}`);
    return rows.map((row) => ({ ...row, balance: BigInt(row.balance) }));
  }
}
