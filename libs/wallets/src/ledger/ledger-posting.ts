// Pure double-entry arithmetic: no Nest, no Prisma. The ledger service
// resolves wallets and talks to the database; these functions decide what to write.

/** A posting whose wallet is known. */
export interface WalletPosting {
  walletId: string;
  amountMicro: bigint;
  role?: string;
}

export class UnbalancedTransactionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnbalancedTransactionError';
  }
}

/**
 * A transaction moves money between at least two postings that sum to zero,
 * none of them zero. Anything else is a bug in the caller, not a user error.
 */
export function assertBalanced(postings: readonly { amountMicro: bigint }[]): void {
  if (postings.length < 2) throw new UnbalancedTransactionError('a ledger transaction needs at least two postings');
  let sum = 0n;
  for (const posting of postings) {
    if (typeof posting.amountMicro !== 'bigint') throw new UnbalancedTransactionError('posting amounts must be bigint micro-units');
    if (posting.amountMicro === 0n) throw new UnbalancedTransactionError('a posting must move money: zero amounts are not allowed');
    sum += posting.amountMicro;
  }
  if (sum !== 0n) throw new UnbalancedTransactionError(`postings must sum to zero, not ${sum}`);
}

/** The net change of every wallet across all postings, ordered by wallet id (the order rows are locked in). */
export function netChangeByWallet(postings: readonly WalletPosting[]): Map<string, bigint> {
  const totals = new Map<string, bigint>();
  for (const posting of postings) totals.set(posting.walletId, (totals.get(posting.walletId) ?? 0n) + posting.amountMicro);
  return new Map([...totals.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Each posting's wallet balance right after it, given every wallet's balance
 * after all of them: postings apply in the order given, so a wallet's balance
 * before the first is its final balance minus its net change.
 */
export function balancesAfter(postings: readonly WalletPosting[], finalBalances: ReadonlyMap<string, bigint>): bigint[] {
  const running = new Map<string, bigint>();
  for (const [walletId, change] of netChangeByWallet(postings)) {
    const final = finalBalances.get(walletId);
    if (final === undefined) throw new Error(`no final balance for wallet ${walletId}`);
    running.set(walletId, final - change);
  }
  return postings.map((posting) => {
    const balance = running.get(posting.walletId)! + posting.amountMicro;
    running.set(posting.walletId, balance);
    return balance;
  });
}

/**
 * Whether an already posted transaction moved the same money as a request:
 * the same multiset of (wallet, amount). Roles and descriptions may differ.
 */
export function sameMovement(posted: readonly WalletPosting[], requested: readonly WalletPosting[]): boolean {
  const key = (posting: WalletPosting) => `${posting.walletId}:${posting.amountMicro}`;
  const a = posted.map(key).sort();
  const b = requested.map(key).sort();
  return a.length === b.length && a.every((value, index) => value === b[index]);
}
