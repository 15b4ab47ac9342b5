import { planSettlement } from '@statemesh/billing';
import { PrismaService, TransactionRunner } from '@statemesh/database';
import {
  adminLedgerGetTransaction,
  adminLedgerReconcile,
  adminWalletsCredit,
  adminWalletsDebit,
  adminWalletsRefund,
  walletsListTransactions,
} from '@statemesh/sdk';
import { LedgerService } from '@statemesh/wallets';
import fc from 'fast-check';
import { signupAdmin, signupUser, type SignedUpUser } from '../support/admin';
import { send, startApi, type ApiHarness } from '../support/api-harness';

// Reconciliation looks at the whole ledger, so the tests that corrupt or
// reconcile it live in this one file and run one after another.
describe('ledger integrity', () => {
  let api: ApiHarness;
  let prisma: PrismaService;
  let admin: SignedUpUser;
  let sequence = 0;
  const unique = (label: string) => `${label}-${process.pid}-${Date.now()}-${++sequence}`;

  beforeAll(async () => {
    api = await startApi({ RATE_LIMIT_PER_MINUTE: '1000000' });
    prisma = api.app.get(PrismaService);
    admin = await signupAdmin(api);
  });

  afterAll(async () => {
    await api.close();
  });

  async function credit(accountId: string, amount: string) {
    const result = await send(
      adminWalletsCredit({ client: admin.client, path: { accountId }, body: { amount, reason: 'Funds', reference: unique('funds') } }),
    );
    expect(result.status).toBe(201);
    return result.data!;
  }

  async function reconcile() {
    const result = await send(adminLedgerReconcile({ client: admin.client }));
    expect(result.status).toBe(200);
    return result.data!;
  }

  /** Independent of the code under test: straight SQL over the whole ledger. */
  async function ledgerTotals() {
    const [totals] = await prisma.$queryRaw<Array<{ balances: string; entries: string; drifted: bigint }>>`
      SELECT (SELECT coalesce(sum(balance), 0)::text FROM wallets) AS balances,
             (SELECT coalesce(sum(amount), 0)::text FROM ledger_entries) AS entries,
             (SELECT count(*) FROM wallets w
               WHERE w.balance <> (SELECT coalesce(sum(amount), 0) FROM ledger_entries e WHERE e."walletId" = w.id)) AS drifted`;
    return { balances: BigInt(totals.balances), entries: BigInt(totals.entries), drifted: Number(totals.drifted) };
  }

  it('refuses to change or remove ledger rows, in the database itself', async () => {
    const alice = await signupUser(api);
    const { transaction } = await credit(alice.accountId, '1000000');
    const entryId = BigInt(transaction.entries[0].id);
    await expect(prisma.$executeRaw`UPDATE ledger_entries SET amount = amount + 1 WHERE id = ${entryId}`).rejects.toThrow(/append-only/);
    await expect(prisma.$executeRaw`DELETE FROM ledger_entries WHERE id = ${entryId}`).rejects.toThrow(/append-only/);
    await expect(prisma.$executeRaw`UPDATE ledger_transactions SET description = 'rewritten' WHERE id = ${transaction.id}`).rejects.toThrow(
      /append-only/,
    );
    await expect(prisma.$executeRaw`DELETE FROM ledger_transactions WHERE id = ${transaction.id}`).rejects.toThrow(/append-only/);
    await expect(prisma.$executeRawUnsafe('TRUNCATE ledger_entries CASCADE')).rejects.toThrow(/append-only/);
    const after = await send(adminLedgerGetTransaction({ client: admin.client, path: { transactionId: transaction.id } }));
    expect(after.data).toEqual(transaction);
  });

  it('refuses entries that do not sum to zero, and an account without a wallet', async () => {
    const alice = await signupUser(api);
    const wallet = await prisma.wallet.findUniqueOrThrow({ where: { accountId: alice.accountId } });
    const transactionId = unique('tx');
    await expect(
      prisma.$transaction(async (tx) => {
        await tx.$executeRaw`INSERT INTO ledger_transactions (id, type, description, actor) VALUES (${transactionId}, 'credit', 'free money', 'test')`;
        await tx.$executeRaw`INSERT INTO ledger_entries ("transactionId", "walletId", amount, "balanceAfter")
          VALUES (${transactionId}, ${wallet.id}, 1000, 1000)`;
      }),
    ).rejects.toThrow(/does not balance/);
    await expect(prisma.$executeRaw`INSERT INTO accounts (id, name, "updatedAt") VALUES (${unique('acc')}, 'orphan', now())`).rejects.toThrow(
      /has no wallet/,
    );
    expect((await prisma.wallet.findUniqueOrThrow({ where: { id: wallet.id } })).balance).toBe(0n);
  });

  it('reports a cached balance that drifted from its entries, and corrects nothing', async () => {
    const alice = await signupUser(api);
    await credit(alice.accountId, '3000000');
    const wallet = await prisma.wallet.findUniqueOrThrow({ where: { accountId: alice.accountId } });
    expect((await reconcile()).consistent).toBe(true);

    await prisma.$executeRaw`UPDATE wallets SET balance = balance + 5 WHERE id = ${wallet.id}`;
    try {
      const report = await reconcile();
      expect(report.consistent).toBe(false);
      expect(report.totalBalance).toBe('5');
      expect(report.mismatches).toEqual([
        { walletId: wallet.id, kind: 'account', accountId: alice.accountId, cachedBalance: '3000005', ledgerBalance: '3000000' },
      ]);
      expect(report.unbalancedTransactions).toEqual([]);
      expect(api.logs.lines.some((line) => line.includes('ledger reconciliation found 1 wallet balance mismatch'))).toBe(true);
      // Reporting is all it does.
      expect((await prisma.wallet.findUniqueOrThrow({ where: { id: wallet.id } })).balance).toBe(3_000_005n);
    } finally {
      await prisma.$executeRaw`UPDATE wallets SET balance = balance - 5 WHERE id = ${wallet.id}`;
    }
    expect((await reconcile()).consistent).toBe(true);
  });

  it('posts a settlement plan in bulk, in the caller’s transaction, exactly once', async () => {
    const [tenant, operator] = [await signupUser(api), await signupUser(api)];
    await credit(tenant.accountId, '1000000');
    const ledger = api.app.get(LedgerService);
    const transactions = api.app.get(TransactionRunner);
    const hour = unique('hour');
    const plan = planSettlement(
      [
        { resourceId: 'vm-1', resourceType: 'vm', tenantAccountId: tenant.accountId, operatorAccountId: operator.accountId, seconds: 3600, pricePerHourMicro: 400_000n },
        { resourceId: 'vol-1', resourceType: 'volume', tenantAccountId: tenant.accountId, operatorAccountId: null, seconds: 1800, pricePerHourMicro: 200_000n },
        { resourceId: 'vm-2', resourceType: 'vm', tenantAccountId: tenant.accountId, operatorAccountId: tenant.accountId, seconds: 3600, pricePerHourMicro: 900_000n },
      ],
      1500,
    );
    const inputs = plan.map((settlement) => ({
      type: 'settlement' as const,
      description: `Usage of ${settlement.usage.resourceId}`,
      actor: 'system:settlement',
      reference: `settlement:${hour}:${settlement.usage.resourceType}:${settlement.usage.resourceId}`,
      postings: settlement.postings,
      overdraft: 'allow' as const,
    }));

    const first = await transactions.run((tx) => ledger.postTransactions(tx, inputs));
    expect(first.map((result) => result.created)).toEqual([true, true, true]);
    // vm-1: 400000 = 340000 operator + 60000 fee; vol-1: 100000 platform; vm-2 (own node): -900000 + 765000 + 135000.
    const tenantWallet = await prisma.wallet.findUniqueOrThrow({ where: { accountId: tenant.accountId } });
    const operatorWallet = await prisma.wallet.findUniqueOrThrow({ where: { accountId: operator.accountId } });
    expect(tenantWallet.balance).toBe(1_000_000n - 400_000n - 100_000n - 900_000n + 765_000n);
    expect(operatorWallet.balance).toBe(340_000n);
    const vm2 = first[2].transaction.entries.filter((entry) => entry.walletId === tenantWallet.id);
    expect(vm2.map((entry) => [entry.amount, entry.balanceAfter])).toEqual([
      [-900_000n, tenantWallet.balance - 765_000n],
      [765_000n, tenantWallet.balance],
    ]);

    // The tenant's statement shows the own-node usage as one line with both sides, in the order they applied.
    const statement = await send(walletsListTransactions({ client: tenant.client, path: { accountId: tenant.accountId }, query: { type: 'settlement' } }));
    expect(statement.data!.items.map((item) => [item.description, item.amount, item.balanceAfter])).toEqual([
      ['Usage of vm-2', '-135000', String(tenantWallet.balance)],
      ['Usage of vol-1', '-100000', String(tenantWallet.balance + 135_000n)],
      ['Usage of vm-1', '-400000', String(tenantWallet.balance + 235_000n)],
    ]);
    expect(statement.data!.items[0].entries.map((entry) => [entry.amount, entry.role])).toEqual([
      ['-900000', 'usage_charge'],
      ['765000', 'operator_earning'],
    ]);

    // The same hour settled again (a retried job) moves nothing.
    const again = await transactions.run((tx) => ledger.postTransactions(tx, inputs));
    expect(again.map((result) => [result.created, result.matchesRequest, result.transaction.id])).toEqual(
      first.map((result) => [false, true, result.transaction.id]),
    );
    expect((await prisma.wallet.findUniqueOrThrow({ where: { id: tenantWallet.id } })).balance).toBe(tenantWallet.balance);

    // A failure anywhere in the caller's transaction keeps nothing of the batch.
    const failing = inputs.map((input) => ({ ...input, reference: `${input.reference}:retry` }));
    await expect(
      transactions.run(async (tx) => {
        await ledger.postTransactions(tx, failing);
        throw new Error('settlement job crashed');
      }),
    ).rejects.toThrow('settlement job crashed');
    expect((await prisma.wallet.findUniqueOrThrow({ where: { id: tenantWallet.id } })).balance).toBe(tenantWallet.balance);
    expect(await prisma.ledgerTransaction.count({ where: { reference: { in: failing.map((input) => input.reference) } } })).toBe(0);
    expect((await reconcile()).consistent).toBe(true);
  });

  it('keeps the books balanced through any sequence of credits, debits, refunds and redeliveries', async () => {
    const wallets = [await signupUser(api), await signupUser(api), await signupUser(api)];
    type Movement = { kind: 'credit' | 'debit' | 'refund'; wallet: number; amount: bigint; reference: number; allowNegative: boolean };
    const movement = fc.record({
      kind: fc.constantFrom('credit' as const, 'debit' as const, 'refund' as const),
      wallet: fc.nat({ max: wallets.length - 1 }),
      amount: fc.bigInt({ min: 1n, max: 5_000_000n }),
      // A small pool of references, so that some come back with other money (a conflict).
      reference: fc.nat({ max: 7 }),
      allowNegative: fc.boolean(),
    });
    // Or the exact same request as an earlier one: a redelivery.
    const step = fc.oneof({ arbitrary: movement, weight: 3 }, { arbitrary: fc.record({ redeliver: fc.nat() }), weight: 1 });
    let run = 0;
    const seen = { posted: 0, redelivered: 0, conflicting: 0, refused: 0 };

    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
        run += 1;
        const expected = new Map<string, bigint>();
        for (const user of wallets) {
          const { balance } = await prisma.wallet.findUniqueOrThrow({ where: { accountId: user.accountId } });
          expected.set(user.accountId, balance);
        }
        const sent: Movement[] = [];
        const posted = new Map<string, Movement>();

        for (const current of steps) {
          const op = 'redeliver' in current ? sent[current.redeliver % Math.max(sent.length, 1)] : current;
          if (!op) continue;
          sent.push(op);
          const accountId = wallets[op.wallet].accountId;
          const reference = `prop-${process.pid}-${run}-${op.reference}`;
          const body = { amount: op.amount.toString(), reason: `property ${op.kind}`, reference };
          const path = { accountId };
          const result =
            op.kind === 'credit'
              ? await send(adminWalletsCredit({ client: admin.client, path, body }))
              : op.kind === 'refund'
                ? await send(adminWalletsRefund({ client: admin.client, path, body }))
                : await send(adminWalletsDebit({ client: admin.client, path, body: { ...body, allowNegative: op.allowNegative } }));

          const earlier = posted.get(reference);
          if (earlier) {
            const same = earlier.kind === op.kind && earlier.wallet === op.wallet && earlier.amount === op.amount;
            expect(result.status).toBe(same ? 201 : 409);
            if (same) expect(result.data!.duplicate).toBe(true);
            seen[same ? 'redelivered' : 'conflicting'] += 1;
            continue;
          }
          const delta = op.kind === 'debit' ? -op.amount : op.amount;
          const balance = expected.get(accountId)!;
          if (op.kind === 'debit' && !op.allowNegative && balance + delta < 0n) {
            expect(result.status).toBe(402);
            seen.refused += 1;
            continue;
          }
          expect(result.status).toBe(201);
          expect(result.data!.duplicate).toBe(false);
          expected.set(accountId, balance + delta);
          expect(result.data!.balance).toBe(String(balance + delta));
          posted.set(reference, op);
          seen.posted += 1;
        }

        for (const user of wallets) {
          const { balance } = await prisma.wallet.findUniqueOrThrow({ where: { accountId: user.accountId } });
          expect(balance).toBe(expected.get(user.accountId));
        }
        expect(await ledgerTotals()).toEqual({ balances: 0n, entries: 0n, drifted: 0 });
        const report = await reconcile();
        expect(report).toMatchObject({ consistent: true, totalBalance: '0', mismatches: [], unbalancedTransactions: [] });
      }),
      {
        numRuns: 25,
        // Runs first, so that every path is taken whatever the random runs draw.
        examples: [
          [
            [
              { kind: 'credit', wallet: 0, amount: 1_000n, reference: 0, allowNegative: false },
              { redeliver: 0 },
              { kind: 'debit', wallet: 0, amount: 5_000n, reference: 1, allowNegative: false },
              { kind: 'credit', wallet: 1, amount: 7n, reference: 0, allowNegative: false },
              { kind: 'debit', wallet: 0, amount: 5_000n, reference: 1, allowNegative: true },
              { kind: 'refund', wallet: 2, amount: 3n, reference: 2, allowNegative: false },
            ],
          ],
        ],
      },
    );
    expect(Math.min(...Object.values(seen))).toBeGreaterThan(0);
  }, 120_000);
});
