import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type Db, type LedgerTransactionType, type WalletKind } from '@statemesh/database';

const WITH_ENTRIES = {
  entries: { include: { wallet: { select: { kind: true, accountId: true } } }, orderBy: { id: 'asc' } },
} satisfies Prisma.LedgerTransactionInclude;

export type LedgerTransactionWithEntries = Prisma.LedgerTransactionGetPayload<{ include: typeof WITH_ENTRIES }>;

export type LedgerTransactionWithWalletEntries = Prisma.LedgerTransactionGetPayload<{ include: { entries: true } }>;

export interface NewLedgerTransaction {
  id: string;
  type: LedgerTransactionType;
  description: string;
  actor: string;
  reference: string | null;
  metadata?: Prisma.InputJsonValue;
  createdAt: Date;
}

export interface NewLedgerEntry {
  id: bigint;
  transactionId: string;
  walletId: string;
  amount: bigint;
  balanceAfter: bigint;
  role: string | null;
  createdAt: Date;
}

export interface WalletTransactionFilter {
  from?: Date;
  to?: Date;
  type?: LedgerTransactionType;
}

export interface BalanceMismatchRow {
  walletId: string;
  kind: WalletKind;
  accountId: string | null;
  cachedBalance: bigint;
  ledgerBalance: bigint;
}

/** What `postStaged` wrote. */
export interface StagedPostingResult {
  transactions: number;
  entries: number;
  /** Per entry role, how many entries left their wallet below zero. */
  belowZeroByRole: Map<string | null, number>;
}

/** The entry id sequence, looked up once per statement (not once per id taken). */
const ENTRY_ID_SEQUENCE = Prisma.sql`(SELECT pg_get_serial_sequence('ledger_entries', 'id')::regclass)`;

@Injectable()
export class LedgerRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Creates, for the rest of the database transaction, the tables a batch
   * computed in SQL is staged in before `postStaged` writes it:
   * - `ledger_staged_transactions`: one row per transaction, `ord` its place in the batch;
   * - `ledger_staged_postings`: its postings in `position` order, each naming an
   *   account's wallet (`account_id`) or a platform wallet (`platform_wallet`).
   */
  async createStaging(tx: Prisma.TransactionClient): Promise<void> {
    await tx.$executeRaw`
      CREATE TEMP TABLE ledger_staged_transactions (
        id text PRIMARY KEY, ord int NOT NULL, type "LedgerTransactionType" NOT NULL, description text NOT NULL, actor text NOT NULL,
        reference text NOT NULL, metadata jsonb, created_at timestamptz(3) NOT NULL
      ) ON COMMIT DROP`;
    await tx.$executeRaw`
      CREATE TEMP TABLE ledger_staged_postings (
        transaction_id text NOT NULL, position int NOT NULL, account_id text, platform_wallet text, amount bigint NOT NULL, role text,
        CHECK ((account_id IS NULL) <> (platform_wallet IS NULL))
      ) ON COMMIT DROP`;
  }

  /**
   * Staged postings whose account has no wallet: the account ids, at most
   * `limit`. Called first, once the batch is staged: it also gathers the
   * planner statistics of the staging tables.
   */
  async stagedAccountsWithoutWallet(limit: number, tx: Prisma.TransactionClient): Promise<string[]> {
    await tx.$executeRaw`ANALYZE ledger_staged_transactions, ledger_staged_postings`;
    const rows = await tx.$queryRaw<Array<{ accountId: string }>>`
      SELECT a.account_id AS "accountId"
      FROM (SELECT DISTINCT account_id FROM ledger_staged_postings WHERE account_id IS NOT NULL) a
      LEFT JOIN wallets w ON w."accountId" = a.account_id
      WHERE w.id IS NULL
      LIMIT ${limit}`;
    return rows.map((row) => row.accountId);
  }

  /**
   * Staged transactions that do not balance — fewer than two postings, a zero
   * posting, a non-zero sum — and postings of no staged transaction.
   */
  async stagedUnbalanced(limit: number, tx: Prisma.TransactionClient): Promise<Array<{ transactionId: string; sum: bigint; postings: number }>> {
    // A full join, so the planner hashes both sides instead of looping over one for the first match.
    const rows = await tx.$queryRaw<Array<{ transactionId: string; sum: string; postings: number }>>`
      SELECT coalesce(t.id, p.transaction_id) AS "transactionId", coalesce(p.sum, 0)::text AS sum, coalesce(p.postings, 0)::int AS postings
      FROM ledger_staged_transactions t
      FULL JOIN (SELECT transaction_id, sum(amount) AS sum, count(*) AS postings, bool_or(amount = 0) AS zero
                 FROM ledger_staged_postings GROUP BY transaction_id) p ON p.transaction_id = t.id
      WHERE t.id IS NULL OR p.transaction_id IS NULL OR p.postings < 2 OR p.sum <> 0 OR p.zero
      LIMIT ${limit}`;
    return rows.map((row) => ({ transactionId: row.transactionId, sum: BigInt(row.sum), postings: Number(row.postings) }));
  }

  /**
   * Writes the staged batch with a constant number of statements, whatever
   * its size: the transactions (in reference order, as `insertTransactions`),
   * a lock on every wallet touched (in id order, as `WalletRepository.applyChanges`),
   * then one statement that moves each wallet's balance by its net change and
   * inserts every entry — ids taken from the sequence while the wallets are
   * locked and given out in batch order (transaction `ord`, then posting
   * `position`), each entry with its wallet's balance right after it.
   * Returns null when a staged reference is already in the ledger, before
   * any entry is written; the caller's transaction must then roll back.
   */
  async postStaged(tx: Prisma.TransactionClient): Promise<StagedPostingResult | null> {
    const staged = await tx.$queryRaw<Array<{ count: number }>>`SELECT count(*)::int AS count FROM ledger_staged_transactions`;
    const expected = Number(staged[0].count);
    const transactions = await tx.$executeRaw`
      INSERT INTO ledger_transactions (id, type, description, actor, reference, metadata, "createdAt")
      SELECT id, type, description, actor, reference, metadata, created_at FROM ledger_staged_transactions
      ORDER BY reference
      ON CONFLICT (reference) DO NOTHING`;
    if (transactions !== expected) return null;
    await tx.$executeRaw`
      CREATE TEMP TABLE ledger_staged_entries ON COMMIT DROP AS
      SELECT p.transaction_id, coalesce(w.id, p.platform_wallet) AS wallet_id, p.amount, p.role, t.created_at,
             row_number() OVER (ORDER BY t.ord, p.position) AS n
      FROM ledger_staged_postings p
      JOIN ledger_staged_transactions t ON t.id = p.transaction_id
      LEFT JOIN wallets w ON w."accountId" = p.account_id`;
    await tx.$queryRaw`
      SELECT count(*)::int AS count FROM (
        SELECT 1 FROM wallets WHERE id IN (SELECT wallet_id FROM ledger_staged_entries) ORDER BY id FOR UPDATE
      ) locked`;
    const rows = await tx.$queryRaw<Array<{ role: string | null; entries: number; belowZero: number }>>`
      WITH net AS (
        SELECT wallet_id, sum(amount) AS change FROM ledger_staged_entries GROUP BY wallet_id
      ), updated AS (
        UPDATE wallets AS w SET balance = w.balance + net.change, version = w.version + 1, "updatedAt" = now()
        FROM net WHERE w.id = net.wallet_id
        RETURNING w.id, w.balance
      ), ids AS (
        SELECT id, row_number() OVER (ORDER BY id) AS n
        FROM (SELECT nextval(${ENTRY_ID_SEQUENCE}) AS id
              FROM generate_series(1, (SELECT count(*) FROM ledger_staged_entries))) allocated
      ), inserted AS (
        INSERT INTO ledger_entries (id, "transactionId", "walletId", amount, "balanceAfter", role, "createdAt")
        SELECT ids.id, e.transaction_id, e.wallet_id, e.amount,
               u.balance - sum(e.amount) OVER (PARTITION BY e.wallet_id) + sum(e.amount) OVER (PARTITION BY e.wallet_id ORDER BY e.n),
               e.role, e.created_at
        FROM ledger_staged_entries e JOIN ids ON ids.n = e.n JOIN updated u ON u.id = e.wallet_id
        RETURNING role, "balanceAfter"
      )
      SELECT role, count(*)::int AS entries, (count(*) FILTER (WHERE "balanceAfter" < 0))::int AS "belowZero" FROM inserted GROUP BY role`;
    const entries = rows.reduce((total, row) => total + Number(row.entries), 0);
    return { transactions, entries, belowZeroByRole: new Map(rows.map((row) => [row.role, Number(row.belowZero)])) };
  }

  /**
   * Inserts the transactions whose reference is new and returns the ids of
   * those inserted. A reference already in the ledger — or being inserted by
   * a concurrent transaction, which this waits for — is skipped, never an error.
   */
  async insertTransactions(rows: NewLedgerTransaction[], db: Db): Promise<Set<string>> {
    // One statement however many rows (arrays, not one parameter per value), in
    // reference order, so two batches sharing references wait on each other
    // instead of deadlocking.
    const inserted = await db.$queryRaw<Array<{ id: string }>>(Prisma.sql`
      INSERT INTO ledger_transactions (id, type, description, actor, reference, metadata, "createdAt")
      SELECT t.id, t.type::"LedgerTransactionType", t.description, t.actor, t.reference, t.metadata::jsonb, t.created_at::timestamptz
      FROM unnest(${rows.map((row) => row.id)}::text[], ${rows.map((row) => row.type)}::text[], ${rows.map((row) => row.description)}::text[],
                  ${rows.map((row) => row.actor)}::text[], ${rows.map((row) => row.reference)}::text[],
                  ${rows.map((row) => (row.metadata === undefined ? null : JSON.stringify(row.metadata)))}::text[],
                  ${rows.map((row) => row.createdAt.toISOString())}::text[])
        AS t(id, type, description, actor, reference, metadata, created_at)
      ORDER BY t.reference
      ON CONFLICT (reference) DO NOTHING
      RETURNING id`);
    return new Set(inserted.map((row) => row.id));
  }

  /**
   * Takes `count` entry ids from the sequence, ascending. Called while the
   * wallets are locked, so each wallet's entries are numbered in the order its
   * balance changes.
   */
  async allocateEntryIds(count: number, db: Db): Promise<bigint[]> {
    const rows = await db.$queryRaw<Array<{ id: bigint }>>`
      SELECT nextval(${ENTRY_ID_SEQUENCE}) AS id FROM generate_series(1, ${count}::int)`;
    return rows.map((row) => BigInt(row.id)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** All entries of a transaction in one statement: the database checks after each statement that transactions balance. */
  async insertEntries(rows: NewLedgerEntry[], db: Db): Promise<void> {
    // Arrays keep it one statement at any size: the balance trigger checks each statement.
    await db.$executeRaw(Prisma.sql`
      INSERT INTO ledger_entries (id, "transactionId", "walletId", amount, "balanceAfter", role, "createdAt")
      SELECT e.id::bigint, e.transaction_id, e.wallet_id, e.amount::bigint, e.balance_after::bigint, e.role, e.created_at::timestamptz
      FROM unnest(${rows.map((row) => row.id.toString())}::text[], ${rows.map((row) => row.transactionId)}::text[],
                  ${rows.map((row) => row.walletId)}::text[], ${rows.map((row) => row.amount.toString())}::text[],
                  ${rows.map((row) => row.balanceAfter.toString())}::text[], ${rows.map((row) => row.role)}::text[],
                  ${rows.map((row) => row.createdAt.toISOString())}::text[])
        AS e(id, transaction_id, wallet_id, amount, balance_after, role, created_at)`);
  }

  findByReferences(references: string[], db: Db = this.prisma): Promise<LedgerTransactionWithEntries[]> {
    return db.ledgerTransaction.findMany({ where: { reference: { in: references } }, include: WITH_ENTRIES });
  }

  findById(id: string, db: Db = this.prisma): Promise<LedgerTransactionWithEntries | null> {
    return db.ledgerTransaction.findUnique({ where: { id }, include: WITH_ENTRIES });
  }

  /**
   * A page of the transactions touching one wallet, latest first, each with
   * that wallet's entries; the page key is the wallet's last entry id in the
   * item. A transaction's entries on one wallet are consecutive in that
   * wallet's sequence (they are inserted together, under the wallet's lock),
   * so walking the wallet's entries backwards and keeping each transaction's
   * last one finds the page without reading the rest of the history.
   */
  async listForWallet(
    walletId: string,
    filter: WalletTransactionFilter,
    page: { afterEntryId?: bigint; limit: number },
  ): Promise<Array<LedgerTransactionWithWalletEntries & { pageKey: bigint }>> {
    const conditions = [
      Prisma.sql`e."walletId" = ${walletId}`,
      Prisma.sql`NOT EXISTS (SELECT 1 FROM ledger_entries later
        WHERE later."transactionId" = e."transactionId" AND later."walletId" = e."walletId" AND later.id > e.id)`,
    ];
    if (page.afterEntryId !== undefined) conditions.push(Prisma.sql`e.id < ${page.afterEntryId}`);
    if (filter.type) conditions.push(Prisma.sql`t.type = ${filter.type}::"LedgerTransactionType"`);
    if (filter.from) conditions.push(Prisma.sql`t."createdAt" >= ${filter.from}`);
    if (filter.to) conditions.push(Prisma.sql`t."createdAt" < ${filter.to}`);
    const keys = await this.prisma.$queryRaw<Array<{ transactionId: string; entryId: bigint }>>(Prisma.sql`
      SELECT e."transactionId", e.id AS "entryId"
      FROM ledger_entries e JOIN ledger_transactions t ON t.id = e."transactionId"
      WHERE ${Prisma.join(conditions, ' AND ')}
      ORDER BY e.id DESC
      LIMIT ${page.limit + 1}`);
    if (keys.length === 0) return [];
    const rows = await this.prisma.ledgerTransaction.findMany({
      where: { id: { in: keys.map((key) => key.transactionId) } },
      include: { entries: { where: { walletId }, orderBy: { id: 'asc' } } },
    });
    const byId = new Map(rows.map((row) => [row.id, row]));
    return keys.map((key) => ({ ...byId.get(key.transactionId)!, pageKey: BigInt(key.entryId) }));
  }

  /** Wallets whose cached balance differs from the sum of their entries, read in one snapshot. */
  async findBalanceMismatches(): Promise<{ walletsChecked: number; totalBalance: bigint; mismatches: BalanceMismatchRow[] }> {
    const rows = await this.prisma.$queryRaw<Array<{ walletId: string; kind: WalletKind; accountId: string | null; cachedBalance: string; ledgerBalance: string; walletsChecked: string; totalBalance: string }>>`
      WITH sums AS (
        SELECT "walletId", sum(amount) AS total FROM ledger_entries GROUP BY "walletId"
      ), checked AS (
        SELECT w.id, w.kind, w."accountId", w.balance, coalesce(s.total, 0) AS ledger
        FROM wallets w LEFT JOIN sums s ON s."walletId" = w.id
      )
      SELECT c.id AS "walletId", c.kind, c."accountId", c.balance::text AS "cachedBalance", c.ledger::text AS "ledgerBalance",
             totals.count::text AS "walletsChecked", totals.total::text AS "totalBalance"
      FROM (SELECT count(*) AS count, coalesce(sum(balance), 0) AS total FROM checked) AS totals
      LEFT JOIN checked c ON c.balance <> c.ledger
      ORDER BY c.id`;
    const first = rows[0];
    return {
      walletsChecked: first ? Number(first.walletsChecked) : 0,
      totalBalance: first ? BigInt(first.totalBalance) : 0n,
      mismatches: rows
        .filter((row) => row.walletId !== null)
        .map((row) => ({
          walletId: row.walletId,
          kind: row.kind,
          accountId: row.accountId,
          cachedBalance: BigInt(row.cachedBalance),
          ledgerBalance: BigInt(row.ledgerBalance),
        })),
    };
  }

  /** Transactions whose entries do not sum to zero (the insert trigger should make this impossible). */
  async findUnbalancedTransactions(): Promise<Array<{ transactionId: string; sum: bigint }>> {
    const rows = await this.prisma.$queryRaw<Array<{ transactionId: string; sum: string }>>`
      SELECT "transactionId", sum(amount)::text AS sum FROM ledger_entries GROUP BY "transactionId" HAVING sum(amount) <> 0 ORDER BY "transactionId"`;
    return rows.map((row) => ({ transactionId: row.transactionId, sum: BigInt(row.sum) }));
  }
}
