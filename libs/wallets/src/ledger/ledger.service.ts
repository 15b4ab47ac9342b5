import { Injectable, Logger } from '@nestjs/common';
import { DomainError, newId, notFound, type StepClock } from '@statemesh/common';
import type { Db, Prisma, WalletKind } from '@statemesh/database';
import { WalletErrors } from '../wallets.errors';
import { PLATFORM_WALLET_IDS, WalletRepository, type WalletBalance } from '../wallets/wallet.repository';
import { assertBalanced, balancesAfter, netChangeByWallet, sameMovement, UnbalancedTransactionError, type WalletPosting } from './ledger-posting';
import { LedgerRepository, type LedgerTransactionWithEntries, type NewLedgerEntry, type NewLedgerTransaction, type StagedPostingResult } from './ledger.repository';
import type { LedgerAccountRef, LedgerTransactionInput, PostedLedgerTransaction, PostingResult } from './ledger.types';

export interface LedgerReconciliation {
  checkedAt: Date;
  walletsChecked: number;
  /** Sum of every cached balance: zero in a double-entry ledger. */
  totalBalance: bigint;
  mismatches: Array<{ walletId: string; kind: WalletKind; accountId: string | null; cachedBalance: bigint; ledgerBalance: bigint }>;
  unbalancedTransactions: Array<{ transactionId: string; sum: bigint }>;
  consistent: boolean;
}

export function toPostedTransaction(row: LedgerTransactionWithEntries): PostedLedgerTransaction {
  return {
    id: row.id,
    type: row.type,
    description: row.description,
    actor: row.actor,
    reference: row.reference,
    createdAt: row.createdAt,
    entries: row.entries.map((entry) => ({
      id: entry.id,
      walletId: entry.walletId,
      walletKind: entry.wallet.kind,
      accountId: entry.wallet.accountId,
      amount: entry.amount,
      balanceAfter: entry.balanceAfter,
      role: entry.role,
    })),
  };
}

/**
 * The only writer of money. Every movement is a ledger transaction whose
 * entries sum to zero, inserted together with the change to each wallet's
 * cached balance, inside the caller's database transaction. References make
 * movements exactly-once: posting a reference again moves nothing and returns
 * the original transaction.
 */
@Injectable()
export class LedgerService {
  private readonly logger = new Logger(LedgerService.name);

  constructor(
    private readonly ledger: LedgerRepository,
    private readonly wallets: WalletRepository,
  ) {}

  /**
   * Posts one transaction in the caller's database transaction (`tx` from
   * `TransactionRunner.run`): entries and balances change in several
   * statements, which only a transaction keeps together.
   */
  async postTransaction(tx: Prisma.TransactionClient, input: LedgerTransactionInput): Promise<PostingResult> {
    const [result] = await this.postTransactions(tx, [input]);
    return result;
  }

  /**
   * Posts many transactions with a constant number of statements (for
   * settlement): one insert of transactions, one lock and one update of every
   * wallet touched, one insert of entries. Results are in input order.
   *
   * An overdraft is checked on each wallet's balance after the whole batch.
   * Throwing (insufficient funds, unknown wallet) leaves the caller's
   * transaction to roll back, so nothing of the batch is kept.
   */
  async postTransactions(tx: Prisma.TransactionClient, inputs: LedgerTransactionInput[]): Promise<PostingResult[]> {
    if (inputs.length === 0) return [];
    const references = inputs.map((input) => input.reference).filter((reference): reference is string => !!reference);
    if (new Set(references).size !== references.length) throw new Error('a batch may not post the same reference twice');
    for (const input of inputs) assertBalanced(input.postings);
    const postings = await this.resolvePostings(inputs, tx);

    const now = new Date();
    const rows: NewLedgerTransaction[] = inputs.map((input) => ({
      id: input.id ?? newId(now.getTime()),
      type: input.type,
      description: input.description,
      actor: input.actor,
      reference: input.reference ?? null,
      metadata: input.metadata,
      createdAt: now,
    }));
    const inserted = await this.ledger.insertTransactions(rows, tx);
    const fresh = inputs.flatMap((input, index) => (inserted.has(rows[index].id) ? [{ input, row: rows[index], postings: postings[index] }] : []));
    const posted = await this.writeEntries(fresh, now, tx);
    const earlier = await this.findEarlier(rows.filter((row) => !inserted.has(row.id)), tx);

    return inputs.map((input, index): PostingResult => {
      const row = rows[index];
      if (inserted.has(row.id)) return { transaction: posted.get(row.id)!, created: true, matchesRequest: true };
      const existing = earlier.get(row.reference!);
      if (!existing) throw new Error(`reference ${row.reference} was neither inserted nor found`);
      const matchesRequest =
        existing.type === input.type &&
        sameMovement(existing.entries.map((entry) => ({ walletId: entry.walletId, amountMicro: entry.amount })), postings[index]);
      return { transaction: toPostedTransaction(existing), created: false, matchesRequest };
    });
  }

  /** Creates the staging tables of `postStaged` for the rest of the database transaction. */
  createStaging(tx: Prisma.TransactionClient): Promise<void> {
    return this.ledger.createStaging(tx);
  }

  /**
   * Posts a batch that was computed in SQL and staged in the tables
   * `LedgerRepository.createStaging` made in this database transaction (for
   * settlement: tens of thousands of transactions without a round trip per
   * row). The same rules as `postTransactions`, checked on the staged rows:
   * every transaction balances with at least two non-zero postings, every
   * account named has a wallet. Overdrafts are allowed (charges for what was
   * already consumed). Unlike `postTransactions`, a reference already posted
   * is not skipped: the whole batch is refused, and the caller's transaction
   * must roll back.
   */
  async postStaged(tx: Prisma.TransactionClient, clock?: StepClock): Promise<StagedPostingResult> {
    const [missing] = await this.ledger.stagedAccountsWithoutWallet(1, tx);
    if (missing !== undefined) throw notFound(`Wallet of account ${missing}`);
    const [unbalanced] = await this.ledger.stagedUnbalanced(1, tx);
    if (unbalanced !== undefined) {
      throw new UnbalancedTransactionError(`staged transaction ${unbalanced.transactionId} does not balance: ${unbalanced.postings} posting(s) summing to ${unbalanced.sum}`);
    }
    clock?.mark('ledger: check staged batch');
    const result = await this.ledger.postStaged(tx);
    clock?.mark('ledger: post transactions, balances and entries');
    if (result === null) throw new Error('a staged ledger reference was already posted; the batch must roll back');
    return result;
  }

  findTransaction(id: string): Promise<PostedLedgerTransaction | null> {
    return this.ledger.findById(id).then((row) => (row ? toPostedTransaction(row) : null));
  }

  /**
   * Checks that every wallet's cached balance equals the sum of its entries,
   * that every transaction sums to zero, and that all balances together sum to
   * zero. It only reports: a mismatch means a bug or a manual edit, and
   * someone must look before any money is touched.
   */
  async reconcile(): Promise<LedgerReconciliation> {
    const checkedAt = new Date();
    const { walletsChecked, totalBalance, mismatches } = await this.ledger.findBalanceMismatches();
    const unbalancedTransactions = await this.ledger.findUnbalancedTransactions();
    const consistent = mismatches.length === 0 && unbalancedTransactions.length === 0 && totalBalance === 0n;
    if (!consistent) {
      this.logger.error(
        {
          mismatches: mismatches.map((row) => ({ ...row, cachedBalance: String(row.cachedBalance), ledgerBalance: String(row.ledgerBalance) })),
          unbalancedTransactions: unbalancedTransactions.map((row) => ({ ...row, sum: String(row.sum) })),
          totalBalance: String(totalBalance),
        },
        `ledger reconciliation found ${mismatches.length} wallet balance mismatch(es), ${unbalancedTransactions.length} unbalanced transaction(s), total ${totalBalance}`,
      );
    }
    return { checkedAt, walletsChecked, totalBalance, mismatches, unbalancedTransactions, consistent };
  }

  /** Each input's postings with their wallet ids: one query for all the account wallets named. */
  private async resolvePostings(inputs: LedgerTransactionInput[], tx: Db): Promise<WalletPosting[][]> {
    const accountIds = [
      ...new Set(inputs.flatMap((input) => input.postings.flatMap((posting) => (posting.account.kind === 'wallet' ? [posting.account.accountId] : [])))),
    ];
    const found = accountIds.length ? await this.wallets.findByAccounts(accountIds, tx) : [];
    const byAccount = new Map(found.map((wallet) => [wallet.accountId!, wallet.id]));
    const missing = accountIds.find((accountId) => !byAccount.has(accountId));
    if (missing) throw notFound(`Wallet of account ${missing}`);
    const walletIdOf = (ref: LedgerAccountRef) => (ref.kind === 'wallet' ? byAccount.get(ref.accountId)! : PLATFORM_WALLET_IDS[ref.kind]);
    return inputs.map((input) =>
      input.postings.map((posting) => ({ walletId: walletIdOf(posting.account), amountMicro: posting.amountMicro, role: posting.role })),
    );
  }

  /**
   * Applies the new transactions to the wallets (locked in id order), checks
   * overdrafts, and inserts every entry with its balance after it.
   */
  private async writeEntries(
    fresh: Array<{ input: LedgerTransactionInput; row: NewLedgerTransaction; postings: WalletPosting[] }>,
    now: Date,
    tx: Db,
  ): Promise<Map<string, PostedLedgerTransaction>> {
    const all = fresh.flatMap((item) => item.postings);
    if (all.length === 0) return new Map();
    const balances = await this.wallets.applyChanges(netChangeByWallet(all), tx);
    this.assertNoOverdraft(fresh, balances);
    const walletById = new Map(balances.map((wallet) => [wallet.id, wallet]));
    const after = balancesAfter(all, new Map(balances.map((wallet) => [wallet.id, wallet.balance])));
    const ids = await this.ledger.allocateEntryIds(all.length, tx);

    const entries: NewLedgerEntry[] = [];
    const posted = new Map<string, PostedLedgerTransaction>();
    for (const { row, postings } of fresh) {
      const transaction: PostedLedgerTransaction = {
        id: row.id,
        type: row.type,
        description: row.description,
        actor: row.actor,
        reference: row.reference,
        createdAt: row.createdAt,
        entries: [],
      };
      for (const posting of postings) {
        const position = entries.length;
        const entry = {
          id: ids[position],
          transactionId: row.id,
          walletId: posting.walletId,
          amount: posting.amountMicro,
          balanceAfter: after[position],
          role: posting.role ?? null,
          createdAt: now,
        };
        entries.push(entry);
        const wallet = walletById.get(posting.walletId)!;
        transaction.entries.push({ ...entry, walletKind: wallet.kind, accountId: wallet.accountId });
      }
      posted.set(row.id, transaction);
    }
    await this.ledger.insertEntries(entries, tx);
    return posted;
  }

  private async findEarlier(rows: NewLedgerTransaction[], tx: Db): Promise<Map<string, LedgerTransactionWithEntries>> {
    const references = rows.map((row) => row.reference!);
    const found = references.length ? await this.ledger.findByReferences(references, tx) : [];
    return new Map(found.map((row) => [row.reference!, row]));
  }

  private assertNoOverdraft(posted: Array<{ input: LedgerTransactionInput; postings: WalletPosting[] }>, balances: WalletBalance[]): void {
    const byId = new Map(balances.map((wallet) => [wallet.id, wallet]));
    for (const { input, postings } of posted) {
      if (input.overdraft === 'allow') continue;
      for (const [walletId, change] of netChangeByWallet(postings)) {
        const wallet = byId.get(walletId)!;
        if (wallet.kind === 'account' && change < 0n && wallet.balance < 0n) {
          throw new DomainError(
            WalletErrors['wallet.insufficient_funds'],
            `The wallet holds ${wallet.balance - change} micro-units; ${-change} are needed.`,
            { balance: String(wallet.balance - change), required: String(-change) },
          );
        }
      }
    }
  }
}

