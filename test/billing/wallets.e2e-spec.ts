import {
  adminWalletsCredit,
  adminWalletsDebit,
  adminWalletsGet,
  adminWalletsRefund,
  tokensCreate,
  walletsGet,
  walletsListTransactions,
} from '@statemesh/sdk';
import { signupAdmin, signupUser, type SignedUpUser } from '../support/admin';
import { send, startApi, type ApiHarness } from '../support/api-harness';

describe('wallets and admin funding', () => {
  let api: ApiHarness;
  let admin: SignedUpUser;
  let sequence = 0;
  const unique = (label: string) => `${label}-${process.pid}-${Date.now()}-${++sequence}`;

  beforeAll(async () => {
    api = await startApi();
    admin = await signupAdmin(api);
  });

  afterAll(async () => {
    await api.close();
  });

  async function balanceOf(user: SignedUpUser): Promise<string> {
    const { data } = await send(walletsGet({ client: user.client, path: { accountId: user.accountId } }));
    return data!.balance;
  }

  function credit(accountId: string, body: { amount: string; reason: string; reference?: string }, idempotencyKey?: string) {
    return send(
      adminWalletsCredit({
        client: admin.client,
        path: { accountId },
        body,
        headers: idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : undefined,
      }),
    );
  }

  it('gives every new account a wallet with a zero balance', async () => {
    const alice = await signupUser(api);
    const wallet = await send(walletsGet({ client: alice.client, path: { accountId: alice.accountId } }));
    expect(wallet.status).toBe(200);
    expect(wallet.data).toEqual({
      accountId: alice.accountId,
      balance: '0',
      currency: 'USD',
      burnRatePerHour: '0',
      runwayHours: null,
      updatedAt: expect.any(String),
    });
    expect(wallet.headers.get('etag')).toMatch(/^"v\d+"$/);
  });

  it('credits a wallet once per Idempotency-Key and once per reference', async () => {
    const alice = await signupUser(api);
    const key = unique('key');
    const first = await credit(alice.accountId, { amount: '25000000', reason: 'Welcome credit' }, key);
    expect(first.status).toBe(201);
    expect(first.data).toMatchObject({ duplicate: false, balance: '25000000' });
    expect(first.data!.transaction).toMatchObject({ type: 'credit', description: 'Welcome credit', actor: `user:${admin.userId}` });
    const entries = first.data!.transaction.entries;
    expect(entries.map((entry) => [entry.walletKind, entry.amount]).sort()).toEqual([
      ['account', '25000000'],
      ['platform_funding', '-25000000'],
    ]);

    // The HTTP layer replays the same request...
    const retried = await credit(alice.accountId, { amount: '25000000', reason: 'Welcome credit' }, key);
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    expect(retried.data).toEqual(first.data);
    expect(await balanceOf(alice)).toBe('25000000');

    // ...and the ledger itself refuses a second movement with the same reference, whatever the key.
    const reference = unique('ticket');
    const byReference = await credit(alice.accountId, { amount: '5000000', reason: 'Compensation', reference }, unique('key'));
    expect(byReference.data).toMatchObject({ duplicate: false, balance: '30000000' });
    expect(byReference.data!.transaction.reference).toBe(`admin:${reference}`);
    const again = await credit(alice.accountId, { amount: '5000000', reason: 'Compensation', reference });
    expect(again.status).toBe(201);
    expect(again.data).toMatchObject({ duplicate: true, balance: '30000000', transaction: { id: byReference.data!.transaction.id } });
    expect(await balanceOf(alice)).toBe('30000000');

    // Reusing the reference for different money is a conflict, not a silent no-op.
    const different = await credit(alice.accountId, { amount: '6000000', reason: 'Compensation', reference });
    expect(different.status).toBe(409);
    expect(different.error).toMatchObject({ code: 'ledger.reference_conflict' });
    expect(await balanceOf(alice)).toBe('30000000');
  });

  it('never double-credits concurrent deliveries of the same reference', async () => {
    const alice = await signupUser(api);
    const reference = unique('race');
    const results = await Promise.all(
      Array.from({ length: 6 }, () => credit(alice.accountId, { amount: '1000000', reason: 'Race', reference })),
    );
    expect(results.map((result) => result.status)).toEqual(Array(6).fill(201));
    expect(results.filter((result) => !result.data!.duplicate)).toHaveLength(1);
    expect(new Set(results.map((result) => result.data!.transaction.id)).size).toBe(1);
    expect(await balanceOf(alice)).toBe('1000000');
  });

  it('requires a reference or an Idempotency-Key, and validates amounts', async () => {
    const alice = await signupUser(api);
    const bare = await credit(alice.accountId, { amount: '1000000', reason: 'No way to dedupe' });
    expect(bare.status).toBe(422);
    expect(bare.error).toMatchObject({ code: 'ledger.reference_required' });

    for (const amount of ['0', '-5', '1.5', '01', '1e6', ' 1', '9999999999999999999']) {
      const invalid = await credit(alice.accountId, { amount, reason: 'Bad amount', reference: unique('bad') });
      expect(invalid.status).toBe(400);
      expect(invalid.error).toMatchObject({ code: 'request.validation_failed', errors: [expect.objectContaining({ field: 'amount' })] });
    }
    const unknown = await credit('nosuchaccount00000', { amount: '1', reason: 'Nobody', reference: unique('nobody') });
    expect(unknown.status).toBe(404);
    expect(await balanceOf(alice)).toBe('0');
  });

  it('debits down to zero, refuses to overdraw unless allowed, and refunds', async () => {
    const alice = await signupUser(api);
    await credit(alice.accountId, { amount: '10000000', reason: 'Funds', reference: unique('funds') });

    const debit = (amount: string, allowNegative?: boolean) =>
      send(
        adminWalletsDebit({
          client: admin.client,
          path: { accountId: alice.accountId },
          body: { amount, reason: 'Manual charge', reference: unique('debit'), allowNegative },
        }),
      );
    const charged = await debit('4000000');
    expect(charged.status).toBe(201);
    expect(charged.data).toMatchObject({ balance: '6000000', transaction: { type: 'debit' } });
    expect(charged.data!.transaction.entries.map((entry) => [entry.walletKind, entry.amount]).sort()).toEqual([
      ['account', '-4000000'],
      ['platform_revenue', '4000000'],
    ]);

    const overdraw = await debit('6000001');
    expect(overdraw.status).toBe(402);
    expect(overdraw.error).toMatchObject({ code: 'wallet.insufficient_funds', balance: '6000000', required: '6000001' });
    expect(await balanceOf(alice)).toBe('6000000');

    expect((await debit('6000000')).data!.balance).toBe('0');
    const negative = await debit('500000', true);
    expect(negative.status).toBe(201);
    expect(negative.data!.balance).toBe('-500000');

    const refund = await send(
      adminWalletsRefund({
        client: admin.client,
        path: { accountId: alice.accountId },
        body: { amount: '2500000', reason: 'Goodwill', reference: unique('refund') },
      }),
    );
    expect(refund.status).toBe(201);
    expect(refund.data).toMatchObject({ balance: '2000000', transaction: { type: 'refund' } });
    expect(refund.data!.transaction.entries.map((entry) => [entry.walletKind, entry.amount]).sort()).toEqual([
      ['account', '2500000'],
      ['platform_revenue', '-2500000'],
    ]);
    const viaAdmin = await send(adminWalletsGet({ client: admin.client, path: { accountId: alice.accountId } }));
    expect(viaAdmin.data!.balance).toBe('2000000');
  });

  it('lists transactions newest first, paginated and filtered by type and time', async () => {
    const alice = await signupUser(api);
    const started = new Date();
    const kinds: Array<'credit' | 'refund'> = ['credit', 'credit', 'refund', 'credit', 'refund'];
    const ids: string[] = [];
    for (const [index, kind] of kinds.entries()) {
      const body = { amount: String((index + 1) * 1_000_000), reason: `${kind} ${index}`, reference: unique(kind) };
      const call = kind === 'credit' ? adminWalletsCredit : adminWalletsRefund;
      const { data } = await send(call({ client: admin.client, path: { accountId: alice.accountId }, body }));
      ids.push(data!.transaction.id);
    }
    const list = (query: Record<string, string | number>) =>
      send(walletsListTransactions({ client: alice.client, path: { accountId: alice.accountId }, query }));

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await list({ limit: 2, ...(cursor ? { cursor } : {}) });
      expect(page.status).toBe(200);
      expect(page.data!.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.data!.items.map((item) => item.id));
      cursor = page.data!.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());

    const newest = (await list({ limit: 1 })).data!.items[0];
    expect(newest).toEqual({
      id: ids[4],
      type: 'refund',
      description: 'refund 4',
      reference: expect.stringMatching(/^admin:refund-/),
      amount: '5000000',
      balanceAfter: '15000000',
      entries: [{ id: expect.any(String), amount: '5000000', balanceAfter: '15000000', role: 'refund' }],
      createdAt: expect.any(String),
    });

    const refunds = await list({ type: 'refund' });
    expect(refunds.data!.items.map((item) => item.id)).toEqual([ids[4], ids[2]]);

    const future = await list({ from: new Date(Date.now() + 60_000).toISOString() });
    expect(future.data!.items).toEqual([]);
    const window = await list({ from: new Date(started.getTime() - 1000).toISOString(), to: new Date(Date.now() + 1000).toISOString() });
    expect(window.data!.items).toHaveLength(5);
    const before = await list({ to: started.toISOString() });
    expect(before.data!.items).toEqual([]);

    const backwards = await list({ from: new Date().toISOString(), to: started.toISOString() });
    expect(backwards.status).toBe(422);
    expect(backwards.error).toMatchObject({ code: 'wallet.invalid_time_range' });
    expect((await list({ type: 'bogus' })).status).toBe(400);
    const forged = await list({ cursor: Buffer.from(JSON.stringify({ k: 'abc' })).toString('base64url') });
    expect(forged.status).toBe(400);
    expect(forged.error).toMatchObject({ code: 'request.invalid_cursor' });
  });

  it('shows a wallet to members and wallet:read tokens only, and funding to platform admins only', async () => {
    const alice = await signupUser(api);
    const mallory = await signupUser(api);
    expect((await send(walletsGet({ client: mallory.client, path: { accountId: alice.accountId } }))).status).toBe(404);
    expect((await send(walletsListTransactions({ client: mallory.client, path: { accountId: alice.accountId } }))).status).toBe(404);

    const reader = await send(tokensCreate({ client: alice.client, path: { accountId: alice.accountId }, body: { name: 'r', scopes: ['wallet:read'] } }));
    const other = await send(tokensCreate({ client: alice.client, path: { accountId: alice.accountId }, body: { name: 'o', scopes: ['vms:read'] } }));
    expect((await send(walletsGet({ client: api.client(reader.data!.token), path: { accountId: alice.accountId } }))).status).toBe(200);
    const denied = await send(walletsGet({ client: api.client(other.data!.token), path: { accountId: alice.accountId } }));
    expect(denied.status).toBe(403);
    expect(denied.error).toMatchObject({ code: 'auth.insufficient_scope' });

    const selfCredit = await send(
      adminWalletsCredit({ client: alice.client, path: { accountId: alice.accountId }, body: { amount: '1', reason: 'Free money', reference: unique('x') } }),
    );
    expect(selfCredit.status).toBe(403);
    expect(selfCredit.error).toMatchObject({ code: 'auth.platform_admin_required' });
    expect(await balanceOf(alice)).toBe('0');
  });
});
