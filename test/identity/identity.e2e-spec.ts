import { accountsGet, accountsMe, authLogin, authLogout, authRefresh, authSignup, membersAdd, membersChangeRole, membersList, membersRemove, tokensCreate, tokensList, tokensRevoke } from '@statemesh/sdk';
import { newCredentials, send, startApi, type ApiHarness } from '../support/api-harness';

describe('identity and tenancy', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await startApi();
  });

  afterAll(async () => {
    await api.close();
  });

  async function signup() {
    const credentials = newCredentials();
    const { data, status } = await send(authSignup({ client: api.client(), body: credentials }));
    expect(status).toBe(201);
    return { ...credentials, auth: data! };
  }

  it('signs up, logs in, creates a scoped API token and uses it on /v1/me', async () => {
    const alice = await signup();
    expect(alice.auth.account?.id).toBeTruthy();
    expect(alice.auth.expiresIn).toBeGreaterThan(0);

    const login = await send(authLogin({ client: api.client(), body: { email: alice.email, password: alice.password } }));
    expect(login.status).toBe(200);
    const session = api.client(login.data!.accessToken);

    const created = await send(tokensCreate({
      client: session,
      path: { accountId: alice.auth.account!.id },
      body: { name: 'reader', scopes: ['vms:read'] },
    }));
    expect(created.status).toBe(201);
    expect(created.data!.token).toMatch(/^smk_[A-Za-z0-9_-]{43}$/);

    const me = await send(accountsMe({ client: api.client(created.data!.token) }));
    expect(me.status).toBe(200);
    expect(me.data).toMatchObject({
      kind: 'apiToken',
      userId: alice.auth.user.id,
      email: null,
      scopes: ['vms:read'],
      accounts: [{ accountId: alice.auth.account!.id, role: 'owner' }],
    });

    const listed = await send(tokensList({ client: session, path: { accountId: alice.auth.account!.id } }));
    expect(JSON.stringify(listed.data)).not.toContain('smk_');
    expect(listed.data!.items.map((token) => token.id)).toContain(created.data!.id);
  });

  it('answers 404 for another tenant’s account, with a session or a token', async () => {
    const alice = await signup();
    const mallory = await signup();
    const token = await send(tokensCreate({
      client: api.client(mallory.auth.accessToken),
      path: { accountId: mallory.auth.account!.id },
      body: { name: 'all', scopes: ['vms:read', 'tokens:write'] },
    }));

    for (const client of [api.client(mallory.auth.accessToken), api.client(token.data!.token)]) {
      const foreign = await send(accountsGet({ client, path: { accountId: alice.auth.account!.id } }));
      expect(foreign.status).toBe(404);
      expect(foreign.headers.get('content-type')).toContain('application/problem+json');
      expect(foreign.error).toMatchObject({ status: 404, code: 'resource.not_found' });
      const tokens = await send(tokensList({ client, path: { accountId: alice.auth.account!.id } }));
      expect(tokens.status).toBe(404);
    }
    // And a token is bound to its own account only, even for its creator's other accounts.
    const own = await send(accountsGet({ client: api.client(token.data!.token), path: { accountId: mallory.auth.account!.id } }));
    expect(own.status).toBe(200);
    expect(own.headers.get('etag')).toMatch(/^"v\d+"$/);
  });

  it('answers concurrent requests each by its own caller’s membership', async () => {
    // Role lookups of concurrent requests share queries: a mix-up would show as a 200 for a stranger.
    const users = await Promise.all(Array.from({ length: 6 }, () => signup()));
    const requests = users.flatMap((caller) =>
      users.map((owner) => ({ allowed: caller === owner, answer: send(accountsGet({ client: api.client(caller.auth.accessToken), path: { accountId: owner.auth.account!.id } })) })),
    );
    // One request's unusable account id (a NUL) must fail no other request, nor itself with a 500.
    const unusable = send(accountsGet({ client: api.client(users[0].auth.accessToken), path: { accountId: 'x\u0000y' } }));
    for (const { allowed, answer } of requests) expect((await answer).status).toBe(allowed ? 200 : 404);
    expect((await unusable).status).toBe(404);
  });

  it('refuses revoked, unknown and expired-scope tokens', async () => {
    const alice = await signup();
    const session = api.client(alice.auth.accessToken);
    const accountId = alice.auth.account!.id;
    const created = await send(tokensCreate({ client: session, path: { accountId }, body: { name: 'temp', scopes: ['vms:read'] } }));
    expect((await send(accountsMe({ client: api.client(created.data!.token) }))).status).toBe(200);

    // A token without the tokens:write scope cannot manage tokens: 403, not 404.
    const forbidden = await send(tokensList({ client: api.client(created.data!.token), path: { accountId } }));
    expect(forbidden.status).toBe(403);
    expect(forbidden.error).toMatchObject({ code: 'auth.insufficient_scope' });

    const revoked = await send(tokensRevoke({ client: session, path: { accountId, tokenId: created.data!.id } }));
    expect(revoked.status).toBe(204);
    const after = await send(accountsMe({ client: api.client(created.data!.token) }));
    expect(after.status).toBe(401);
    expect(after.error).toMatchObject({ code: 'auth.unauthenticated' });

    const unknown = await send(accountsMe({ client: api.client(`smk_${'x'.repeat(43)}`) }));
    expect(unknown.status).toBe(401);
    const garbage = await send(accountsMe({ client: api.client('not-a-jwt') }));
    expect(garbage.status).toBe(401);
    const none = await send(accountsMe({ client: api.client() }));
    expect(none.status).toBe(401);
  });

  it('rotates refresh tokens and revokes the whole family when a rotated one is reused', async () => {
    const alice = await signup();
    const first = alice.auth.refreshToken;
    const second = await send(authRefresh({ client: api.client(), body: { refreshToken: first } }));
    expect(second.status).toBe(200);
    expect(second.data!.refreshToken).not.toBe(first);

    const third = await send(authRefresh({ client: api.client(), body: { refreshToken: second.data!.refreshToken } }));
    expect(third.status).toBe(200);

    // The first token was already used: presenting it again means it leaked.
    const reuse = await send(authRefresh({ client: api.client(), body: { refreshToken: first } }));
    expect(reuse.status).toBe(401);
    expect(reuse.error).toMatchObject({ code: 'auth.refresh_token_reused' });

    // Every token of that session is now dead, including the newest one.
    const newest = await send(authRefresh({ client: api.client(), body: { refreshToken: third.data!.refreshToken } }));
    expect(newest.status).toBe(401);
  });

  it('never lets a session outlive a logout racing a refresh', async () => {
    for (let round = 0; round < 5; round++) {
      const alice = await signup();
      const [refreshed] = await Promise.all([
        send(authRefresh({ client: api.client(), body: { refreshToken: alice.auth.refreshToken } })),
        send(authLogout({ client: api.client(), body: { refreshToken: alice.auth.refreshToken } })),
      ]);
      if (refreshed.status === 200) {
        const next = await send(authRefresh({ client: api.client(), body: { refreshToken: refreshed.data!.refreshToken } }));
        expect(next.status).toBe(401);
      }
    }
  });

  it('logs out by revoking the session', async () => {
    const alice = await signup();
    const out = await send(authLogout({ client: api.client(), body: { refreshToken: alice.auth.refreshToken } }));
    expect(out.status).toBe(204);
    const refresh = await send(authRefresh({ client: api.client(), body: { refreshToken: alice.auth.refreshToken } }));
    expect(refresh.status).toBe(401);
  });

  it('rejects a wrong password and a duplicate signup', async () => {
    const alice = await signup();
    const wrong = await send(authLogin({ client: api.client(), body: { email: alice.email, password: 'definitely-wrong-password' } }));
    expect(wrong.status).toBe(401);
    expect(wrong.error).toMatchObject({ code: 'auth.invalid_credentials' });
    const duplicate = await send(authSignup({ client: api.client(), body: { email: alice.email.toUpperCase(), password: alice.password } }));
    expect(duplicate.status).toBe(409);
    expect(duplicate.error).toMatchObject({ code: 'auth.email_taken' });
  });

  it('manages members by role and never leaves an account without an owner', async () => {
    const owner = await signup();
    const bob = await signup();
    const accountId = owner.auth.account!.id;
    const ownerClient = api.client(owner.auth.accessToken);
    const bobClient = api.client(bob.auth.accessToken);

    const added = await send(membersAdd({ client: ownerClient, path: { accountId }, body: { email: bob.email, role: 'viewer' } }));
    expect(added.status).toBe(201);
    expect(added.data).toMatchObject({ userId: bob.auth.user.id, role: 'viewer' });

    // A viewer can read but not manage.
    expect((await send(membersList({ client: bobClient, path: { accountId } }))).data!.items).toHaveLength(2);
    const denied = await send(membersChangeRole({ client: bobClient, path: { accountId, userId: bob.auth.user.id }, body: { role: 'admin' } }));
    expect(denied.status).toBe(403);

    const lastOwner = await send(membersRemove({ client: ownerClient, path: { accountId, userId: owner.auth.user.id } }));
    expect(lastOwner.status).toBe(409);
    expect(lastOwner.error).toMatchObject({ code: 'member.last_owner' });

    const stale = await send(membersChangeRole({
      client: ownerClient,
      path: { accountId, userId: bob.auth.user.id },
      body: { role: 'admin' },
      headers: { 'if-match': '"v99"' },
    }));
    expect(stale.status).toBe(412);

    const promoted = await send(membersChangeRole({ client: ownerClient, path: { accountId, userId: bob.auth.user.id }, body: { role: 'owner' } }));
    expect(promoted.data).toMatchObject({ role: 'owner' });
    const leave = await send(membersRemove({ client: ownerClient, path: { accountId, userId: owner.auth.user.id } }));
    expect(leave.status).toBe(204);
    expect((await send(accountsGet({ client: ownerClient, path: { accountId } }))).status).toBe(404);
  });

  it('stops a token working when its creator leaves the account', async () => {
    const owner = await signup();
    const carol = await signup();
    const accountId = owner.auth.account!.id;
    await send(membersAdd({ client: api.client(owner.auth.accessToken), path: { accountId }, body: { email: carol.email, role: 'member' } }));
    const token = await send(tokensCreate({ client: api.client(carol.auth.accessToken), path: { accountId }, body: { name: 'c', scopes: ['vms:read'] } }));
    expect((await send(accountsMe({ client: api.client(token.data!.token) }))).status).toBe(200);
    await send(membersRemove({ client: api.client(owner.auth.accessToken), path: { accountId, userId: carol.auth.user.id } }));
    expect((await send(accountsMe({ client: api.client(token.data!.token) }))).status).toBe(401);
  });
});
