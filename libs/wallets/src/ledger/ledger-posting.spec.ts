import fc from 'fast-check';
import { UnbalancedTransactionError, assertBalanced, balancesAfter, netChangeByWallet, sameMovement, type WalletPosting } from './ledger-posting';

const posting = (walletId: string, amountMicro: bigint): WalletPosting => ({ walletId, amountMicro });

describe('assertBalanced', () => {
  it('accepts postings that sum to zero', () => {
    expect(() => assertBalanced([posting('a', -5n), posting('b', 3n), posting('c', 2n)])).not.toThrow();
  });

  it('refuses unbalanced, single, empty and zero postings', () => {
    expect(() => assertBalanced([posting('a', -5n), posting('b', 4n)])).toThrow(UnbalancedTransactionError);
    expect(() => assertBalanced([posting('a', 0n), posting('b', 0n)])).toThrow(/zero amounts/);
    expect(() => assertBalanced([posting('a', 5n)])).toThrow(/at least two/);
    expect(() => assertBalanced([])).toThrow(/at least two/);
    expect(() => assertBalanced([{ amountMicro: 5 as unknown as bigint }, posting('b', -5n)])).toThrow(/bigint/);
  });
});

describe('netChangeByWallet', () => {
  it('sums per wallet, in wallet id order', () => {
    const changes = netChangeByWallet([posting('b', -5n), posting('a', 3n), posting('b', 2n)]);
    expect([...changes.entries()]).toEqual([
      ['a', 3n],
      ['b', -3n],
    ]);
  });
});

describe('balancesAfter', () => {
  it('walks each wallet from its balance before the postings to its final balance', () => {
    const postings = [posting('t', -100n), posting('o', 85n), posting('r', 15n), posting('t', -50n), posting('r', 50n)];
    const final = new Map([
      ['t', 850n],
      ['o', 85n],
      ['r', 65n],
    ]);
    expect(balancesAfter(postings, final)).toEqual([900n, 85n, 15n, 850n, 65n]);
  });

  it('matches replaying the postings one by one', () => {
    const wallets = fc.constantFrom('a', 'b', 'c', 'd');
    fc.assert(
      fc.property(
        fc.array(fc.record({ walletId: wallets, amountMicro: fc.bigInt({ min: -1_000_000n, max: 1_000_000n }) }), { maxLength: 30 }),
        fc.record({ a: fc.bigInt(), b: fc.bigInt(), c: fc.bigInt(), d: fc.bigInt() }),
        (postings, start) => {
          const running = new Map(Object.entries(start));
          const expected = postings.map((p) => {
            running.set(p.walletId, running.get(p.walletId)! + p.amountMicro);
            return running.get(p.walletId)!;
          });
          expect(balancesAfter(postings, running)).toEqual(expected);
        },
      ),
    );
  });
});

describe('sameMovement', () => {
  it('compares the multiset of wallet amounts, whatever the order', () => {
    expect(sameMovement([posting('a', -5n), posting('b', 5n)], [posting('b', 5n), posting('a', -5n)])).toBe(true);
    expect(sameMovement([posting('a', -5n), posting('b', 5n)], [posting('a', -6n), posting('b', 6n)])).toBe(false);
    expect(sameMovement([posting('a', -5n), posting('b', 5n)], [posting('a', -5n), posting('c', 5n)])).toBe(false);
    expect(sameMovement([posting('a', -5n), posting('b', 5n)], [posting('a', -5n), posting('b', 2n), posting('b', 3n)])).toBe(false);
  });
});
