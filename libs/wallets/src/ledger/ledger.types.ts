import type { LedgerTransactionType, WalletKind } from '@statemesh/database';

/**
 * Where a posting lands: an account's wallet or one of the platform's. The
 * same shape as `@statemesh/billing`'s settlement postings use, so a
 * settlement plan posts as is.
 */
export type LedgerAccountRef = { kind: 'wallet'; accountId: string } | { kind: 'platform_revenue' } | { kind: 'platform_funding' };

export interface PostingInput {
  account: LedgerAccountRef;
  /** Signed micro-units: positive credits the wallet, negative debits it. Never zero. */
  amountMicro: bigint;
  /** What the posting is for within its transaction, e.g. `usage_charge`. */
  role?: string;
}

export interface LedgerTransactionInput {
  /** The transaction's id, when the caller must know it before posting (settlement lines point at it); generated otherwise. */
  id?: string;
  type: LedgerTransactionType;
  description: string;
  /** Who moves the money: `user:<id>`, `webhook:deposits`, `system:settlement`. */
  actor: string;
  /**
   * Unique across the ledger: a second transaction with the same reference is
   * not posted, whoever tries. The basis of exactly-once money movements.
   */
  reference?: string | null;
  metadata?: Record<string, string | number | boolean | null>;
  postings: PostingInput[];
  /**
   * `forbid` (the default): an account wallet this transaction takes money
   * from must not end below zero, or nothing is posted (402). `allow` is for
   * charges for what was already consumed (settlement). Platform wallets are
   * never limited: funding is negative by design.
   */
  overdraft?: 'forbid' | 'allow';
}

export interface PostedEntry {
  /** Sequence number: a wallet's entries in id order are the order its balance moved in. */
  id: bigint;
  walletId: string;
  walletKind: WalletKind;
  /** Null for platform wallets. */
  accountId: string | null;
  amount: bigint;
  balanceAfter: bigint;
  role: string | null;
}

export interface PostedLedgerTransaction {
  id: string;
  type: LedgerTransactionType;
  description: string;
  actor: string;
  reference: string | null;
  createdAt: Date;
  entries: PostedEntry[];
}

export interface PostingResult {
  transaction: PostedLedgerTransaction;
  /** False when the reference had been posted before: `transaction` is that earlier one and nothing moved now. */
  created: boolean;
  /**
   * For an earlier transaction: whether it moved the same amounts between the
   * same wallets with the same type as this request. False means the
   * reference was reused for something else — a caller bug or a conflict.
   */
  matchesRequest: boolean;
}

// The database enums as runtime lists (validation, OpenAPI); the checks below
// fail to compile if the schema gains a value the list lacks.
export const LEDGER_TRANSACTION_TYPES = ['credit', 'debit', 'refund', 'deposit', 'settlement', 'adjustment'] as const satisfies readonly LedgerTransactionType[];
export const WALLET_KINDS = ['account', 'platform_revenue', 'platform_funding'] as const satisfies readonly WalletKind[];

type Exhaustive<Listed, All> = [Exclude<All, Listed>] extends [never] ? true : never;
const transactionTypesComplete: Exhaustive<(typeof LEDGER_TRANSACTION_TYPES)[number], LedgerTransactionType> = true;
const walletKindsComplete: Exhaustive<(typeof WALLET_KINDS)[number], WalletKind> = true;
void transactionTypesComplete;
void walletKindsComplete;
