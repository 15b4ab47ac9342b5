import { depositWebhookReceive, walletsGet, walletsListTransactions, type DepositEventDto } from '@statemesh/sdk';
import { signWebhook } from '@statemesh/wallets';
import { signupUser, type SignedUpUser } from '../support/admin';
import { send, startApi, type ApiHarness } from '../support/api-harness';

describe('deposit webhook', () => {
  let api: ApiHarness;
  let secret: string;
  let sequence = 0;

  beforeAll(async () => {
    api = await startApi();
    secret = api.config.billing.depositWebhookSecret;
  });

  afterAll(async () => {
    await api.close();
  });

  function event(accountId: string, overrides: Partial<DepositEventDto> = {}): DepositEventDto {
    return {
      id: `evt_${process.pid}_${Date.now()}_${++sequence}`,
      type: 'deposit.succeeded',
      accountId,
      amount: '20000000',
      currency: 'USD',
      description: 'Card payment',
      ...overrides,
    };
  }

  /** Posts exactly `raw` (whatever `body` says) with the given signature header. */
  function deliver(body: DepositEventDto, options: { raw?: string; signature?: string | null } = {}) {
    const raw = options.raw ?? JSON.stringify(body);
    const headers: Record<string, string> = {};
    const signature = options.signature === undefined ? signWebhook(secret, raw) : options.signature;
    if (signature !== null) headers['StateMesh-Signature'] = signature;
    return send(
      depositWebhookReceive({
        client: api.client(),
        body,
        bodySerializer: () => raw,
        headers: headers as { 'StateMesh-Signature': string },
      }),
    );
  }

  async function balanceOf(user: SignedUpUser): Promise<string> {
    return (await send(walletsGet({ client: user.client, path: { accountId: user.accountId } }))).data!.balance;
  }

  it('credits the wallet for a correctly signed deposit', async () => {
    const alice = await signupUser(api);
    const deposit = event(alice.accountId);
    const delivered = await deliver(deposit);
    expect(delivered.status).toBe(200);
    expect(delivered.data).toEqual({
      eventId: deposit.id,
      accountId: alice.accountId,
      amount: '20000000',
      transactionId: expect.any(String),
      duplicate: false,
    });
    expect(await balanceOf(alice)).toBe('20000000');
    const statement = await send(walletsListTransactions({ client: alice.client, path: { accountId: alice.accountId } }));
    expect(statement.data!.items[0]).toMatchObject({
      id: delivered.data!.transactionId,
      type: 'deposit',
      description: 'Card payment',
      reference: `deposit:${deposit.id}`,
      amount: '20000000',
    });
  });

  it('credits nothing for a replayed event, answering with the original receipt', async () => {
    const alice = await signupUser(api);
    const deposit = event(alice.accountId);
    const raw = JSON.stringify(deposit);
    const signature = signWebhook(secret, raw);
    const first = await deliver(deposit, { raw, signature });
    // The very same signed bytes again (a provider retry, or an attacker replaying within the tolerance).
    const replay = await deliver(deposit, { raw, signature });
    expect(replay.status).toBe(200);
    expect(replay.data).toEqual({ ...first.data, duplicate: true });
    // A fresh signature over the same event changes nothing either.
    const resent = await deliver(deposit);
    expect(resent.data).toMatchObject({ duplicate: true, transactionId: first.data!.transactionId });
    expect(await balanceOf(alice)).toBe('20000000');

    // The same event id can never carry other money.
    const forged = await deliver({ ...deposit, amount: '99000000' });
    expect(forged.status).toBe(409);
    expect(forged.error).toMatchObject({ code: 'ledger.reference_conflict' });
    expect(await balanceOf(alice)).toBe('20000000');
  });

  it('credits nothing for a tampered body', async () => {
    const alice = await signupUser(api);
    const deposit = event(alice.accountId, { amount: '1000000' });
    const signature = signWebhook(secret, JSON.stringify(deposit));
    const tampered = { ...deposit, amount: '1000000000' };
    const result = await deliver(tampered, { signature });
    expect(result.status).toBe(401);
    expect(result.error).toMatchObject({ code: 'webhook.invalid_signature' });
    // Even a change that parses to the same JSON is a different body.
    const spaced = await deliver(deposit, { raw: JSON.stringify(deposit, null, 1), signature });
    expect(spaced.status).toBe(401);
    expect(await balanceOf(alice)).toBe('0');
  });

  it('credits nothing when signed with another secret, unsigned, or malformed', async () => {
    const alice = await signupUser(api);
    const deposit = event(alice.accountId);
    const raw = JSON.stringify(deposit);
    const wrongSecret = await deliver(deposit, { signature: signWebhook('an-entirely-different-webhook-secret', raw) });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.error).toMatchObject({ code: 'webhook.invalid_signature' });
    expect((await deliver(deposit, { signature: null })).status).toBe(401);
    expect((await deliver(deposit, { signature: 'v1=deadbeef' })).status).toBe(401);
    expect((await deliver(deposit, { signature: `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}` })).status).toBe(401);
    expect(await balanceOf(alice)).toBe('0');
  });

  it('credits nothing for a stale or future timestamp', async () => {
    const alice = await signupUser(api);
    const deposit = event(alice.accountId);
    const raw = JSON.stringify(deposit);
    const now = Math.floor(Date.now() / 1000);
    const tolerance = api.config.billing.depositWebhookToleranceSeconds;
    for (const timestamp of [now - tolerance - 5, now + tolerance + 5]) {
      const result = await deliver(deposit, { signature: signWebhook(secret, raw, timestamp) });
      expect(result.status).toBe(401);
      expect(result.error).toMatchObject({ code: 'webhook.stale_timestamp' });
    }
    expect(await balanceOf(alice)).toBe('0');
    // Within the tolerance it is accepted.
    expect((await deliver(deposit, { signature: signWebhook(secret, raw, now - tolerance + 30) })).status).toBe(200);
  });

  it('refuses signed deposits that do not make sense', async () => {
    const alice = await signupUser(api);
    const unknown = await deliver(event('nosuchaccount00000'));
    expect(unknown.status).toBe(422);
    expect(unknown.error).toMatchObject({ code: 'deposit.unknown_account' });
    const euros = await deliver(event(alice.accountId, { currency: 'EUR' }));
    expect(euros.status).toBe(422);
    expect(euros.error).toMatchObject({ code: 'deposit.currency_mismatch' });
    const negative = await deliver(event(alice.accountId, { amount: '-5' }));
    expect(negative.status).toBe(400);
    const extra = await deliver({ ...event(alice.accountId), extra: 1 } as DepositEventDto);
    expect(extra.status).toBe(400);
    expect(await balanceOf(alice)).toBe('0');
  });
});
