import { PrismaService } from '@statemesh/database';
import { authSignup, tokensCreate } from '@statemesh/sdk';
import { findSecrets } from '../support/secret-patterns';
import { newCredentials, send, startApi, type ApiHarness } from '../support/api-harness';

/** Raw HTTP, for what an SDK would never send: malformed bodies, unknown routes, replays byte for byte. */
async function raw(api: ApiHarness, method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}) {
  const response = await fetch(`${api.baseUrl}${path}`, {
    method,
    body: init.body,
    headers: { ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: text ? JSON.parse(text) : undefined };
}

function expectProblem(result: { status: number; headers: Headers; json: any }, status: number, code: string) {
  expect(result.status).toBe(status);
  expect(result.headers.get('content-type')).toContain('application/problem+json');
  expect(result.json).toMatchObject({ status, code, type: expect.stringContaining(code), title: expect.any(String), detail: expect.any(String) });
  expect(result.json.requestId).toBe(result.headers.get('x-request-id'));
  expect(result.json.instance).toMatch(/^\//);
}

describe('HTTP conventions', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await startApi({ RATE_LIMIT_PER_MINUTE: '1000' });
  });

  afterAll(async () => {
    await api.close();
  });

  describe('bad input answers a documented 4xx problem, never 500', () => {
    it('unknown field → 400 with the field listed', async () => {
      const result = await raw(api, 'POST', '/v1/auth/signup', { body: JSON.stringify({ ...newCredentials(), isAdmin: true }) });
      expectProblem(result, 400, 'request.validation_failed');
      expect(result.json.errors).toEqual([{ field: 'isAdmin', code: 'unknown_field', message: 'isAdmin is not a known field' }]);
    });

    it('wrong type → 400 with every field problem', async () => {
      const result = await raw(api, 'POST', '/v1/auth/signup', { body: JSON.stringify({ email: 42, password: ['x'] }) });
      expectProblem(result, 400, 'request.validation_failed');
      const fields = result.json.errors.map((error: { field: string }) => error.field);
      expect(new Set(fields)).toEqual(new Set(['email', 'password']));
    });

    it('text no column can store (a NUL, an unpaired surrogate) → 400 naming the field', async () => {
      // Written as JSON escapes, as a client would send them.
      const body = `{"email": "nul\\u0000@example.com", "password": "long enough password", "accountName": "half \\ud800 pair"}`;
      const result = await raw(api, 'POST', '/v1/auth/signup', { body });
      expectProblem(result, 400, 'request.validation_failed');
      expect(result.json.errors).toEqual([
        expect.objectContaining({ field: 'email', code: 'invalid_text' }),
        expect.objectContaining({ field: 'accountName', code: 'invalid_text' }),
      ]);
    });

    it('malformed JSON → 400', async () => {
      const result = await raw(api, 'POST', '/v1/auth/login', { body: '{"email": "a@b.c", ' });
      expectProblem(result, 400, 'request.malformed_json');
    });

    it('a 2 MB body → 413', async () => {
      const result = await raw(api, 'POST', '/v1/auth/login', { body: JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(2 * 1024 * 1024) }) });
      expectProblem(result, 413, 'request.payload_too_large');
    });

    it('another media type → 415', async () => {
      const result = await raw(api, 'POST', '/v1/auth/login', { body: 'email=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expectProblem(result, 415, 'request.unsupported_media_type');
    });

    it('unknown route → 404', async () => {
      expectProblem(await raw(api, 'GET', '/v1/no-such-thing'), 404, 'route.not_found');
      expectProblem(await raw(api, 'DELETE', '/v1/auth/login'), 404, 'route.not_found');
    });

    it('a bad pagination cursor or limit → 400', async () => {
      const { auth } = await signup();
      const headers = { authorization: `Bearer ${auth.accessToken}` };
      expectProblem(await raw(api, 'GET', '/v1/accounts?cursor=nonsense', { headers }), 400, 'request.invalid_cursor');
      expectProblem(await raw(api, 'GET', '/v1/accounts?limit=500', { headers }), 400, 'request.validation_failed');
    });
  });

  async function signup() {
    const credentials = newCredentials();
    const { data } = await send(authSignup({ client: api.client(), body: credentials }));
    return { ...credentials, auth: data! };
  }

  describe('Idempotency-Key', () => {
    it('replays the first response byte for byte, and refuses the key with another body', async () => {
      const { auth } = await signup();
      const path = `/v1/accounts/${auth.account!.id}/tokens`;
      const headers = { authorization: `Bearer ${auth.accessToken}`, 'idempotency-key': `key-${Date.now()}` };
      const body = JSON.stringify({ name: 'deploy', scopes: ['vms:read'] });

      const first = await raw(api, 'POST', path, { body, headers });
      expect(first.status).toBe(201);
      const replay = await raw(api, 'POST', path, { body, headers });
      expect(replay.status).toBe(201);
      expect(replay.text).toBe(first.text);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');

      // The same body spelled with other key order is the same request.
      const reordered = await raw(api, 'POST', path, { body: JSON.stringify({ scopes: ['vms:read'], name: 'deploy' }), headers });
      expect(reordered.text).toBe(first.text);

      const different = await raw(api, 'POST', path, { body: JSON.stringify({ name: 'other', scopes: ['vms:read'] }), headers });
      expectProblem(different, 422, 'idempotency.key_reused');

      // The stored response (it holds the token's secret) is encrypted at rest.
      const stored = await api.app.get(PrismaService).idempotencyRecord.findMany({ where: { key: headers['idempotency-key'] } });
      expect(stored).toHaveLength(1);
      expect(stored[0].responseBody).toMatch(/^sealed:v1:/);
      expect(stored[0].responseBody).not.toContain(first.json.token);

      // Only one token was created.
      const list = await raw(api, 'GET', path, { headers: { authorization: headers.authorization } });
      expect(list.json.items).toHaveLength(1);
    });

    it('does not keep failed requests, so they can be retried', async () => {
      const headers = { 'idempotency-key': `signup-${Date.now()}` };
      const credentials = newCredentials();
      const failed = await raw(api, 'POST', '/v1/auth/signup', { body: JSON.stringify({ email: credentials.email, password: 'short' }), headers });
      expect(failed.status).toBe(400);
      const again = await raw(api, 'POST', '/v1/auth/signup', { body: JSON.stringify({ email: credentials.email, password: 'short' }), headers });
      expect(again.status).toBe(400);
    });

    it('scopes keys to the caller', async () => {
      const alice = await signup();
      const bob = await signup();
      const key = `shared-${Date.now()}`;
      const body = JSON.stringify({ name: 'x', scopes: ['vms:read'] });
      const forAlice = await raw(api, 'POST', `/v1/accounts/${alice.auth.account!.id}/tokens`, {
        body,
        headers: { authorization: `Bearer ${alice.auth.accessToken}`, 'idempotency-key': key },
      });
      const forBob = await raw(api, 'POST', `/v1/accounts/${bob.auth.account!.id}/tokens`, {
        body,
        headers: { authorization: `Bearer ${bob.auth.accessToken}`, 'idempotency-key': key },
      });
      expect(forAlice.status).toBe(201);
      expect(forBob.status).toBe(201);
      expect(forBob.json.id).not.toBe(forAlice.json.id);
    });
  });

  describe('request ids and headers', () => {
    it('echoes a client X-Request-Id and mints one otherwise', async () => {
      const echoed = await raw(api, 'GET', '/healthz', { headers: { 'x-request-id': 'client-chosen-id-123' } });
      expect(echoed.headers.get('x-request-id')).toBe('client-chosen-id-123');
      const minted = await raw(api, 'GET', '/healthz', { headers: { 'x-request-id': 'bad id with spaces' } });
      expect(minted.headers.get('x-request-id')).toMatch(/^[0-9a-z]{18}$/);
    });

    it('sends security headers on successes and errors alike', async () => {
      for (const result of [await raw(api, 'GET', '/healthz'), await raw(api, 'GET', '/nope')]) {
        expect(result.headers.get('x-content-type-options')).toBe('nosniff');
        expect(result.headers.get('x-frame-options')).toBe('DENY');
        expect(result.headers.get('content-security-policy')).toContain("default-src 'none'");
        expect(result.headers.get('cache-control')).toBe('no-store');
      }
    });

    it('serves docs, the OpenAPI document, health, readiness and metrics', async () => {
      expect((await raw(api, 'GET', '/healthz')).json).toEqual({ status: 'ok' });
      expect((await raw(api, 'GET', '/readyz')).json).toMatchObject({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
      const docs = await fetch(`${api.baseUrl}/docs`);
      expect(docs.status).toBe(200);
      expect(await docs.text()).toContain('swagger');
      const document = await raw(api, 'GET', '/openapi.json');
      expect(document.json.openapi).toMatch(/^3\./);
      const metrics = await fetch(`${api.baseUrl}/metrics`);
      expect(await metrics.text()).toContain('statemesh_http_request_duration_seconds_bucket{');
    });
  });

  describe('rate limits', () => {
    it('answers 429 with Retry-After past the per-caller limit', async () => {
      // Its own key prefix (inside this run's), so other suites' requests don't count.
      const limited = await startApi({ RATE_LIMIT_PER_MINUTE: '5', REDIS_PREFIX: `${process.env.REDIS_PREFIX}:limited` });
      try {
        const statuses: number[] = [];
        let last: Awaited<ReturnType<typeof raw>> | undefined;
        for (let i = 0; i < 7; i++) {
          last = await raw(limited, 'GET', '/healthz', { headers: { 'x-forwarded-for': 'ignored' } });
          statuses.push(last.status);
        }
        expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
        expect(statuses.slice(5)).toEqual([429, 429]);
        expectProblem(last!, 429, 'rate_limit.exceeded');
        expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(last!.headers.get('ratelimit-remaining')).toBe('0');
      } finally {
        await limited.close();
      }
    });
  });

  describe('logs', () => {
    it('never contain passwords, tokens or secrets', async () => {
      const alice = await signup();
      await raw(api, 'POST', '/v1/auth/login', { body: JSON.stringify({ email: alice.email, password: alice.password }) });
      await raw(api, 'POST', '/v1/auth/login', { body: JSON.stringify({ email: alice.email, password: 'correct-horse-wrong' }) });
      const token = await send(
        tokensCreate({ client: api.client(alice.auth.accessToken), path: { accountId: alice.auth.account!.id }, body: { name: 'n', scopes: ['vms:read'] } }),
      );
      await raw(api, 'GET', '/v1/me', { headers: { authorization: `Bearer ${token.data!.token}` } });
      await raw(api, 'POST', '/v1/auth/refresh', { body: JSON.stringify({ refreshToken: alice.auth.refreshToken }) });

      expect(api.logs.lines.length).toBeGreaterThan(5);
      const leaks = api.logs.lines.filter((line) => findSecrets(line).length > 0);
      expect(leaks).toEqual([]);
      for (const secret of [alice.password, token.data!.token, alice.auth.refreshToken, alice.auth.accessToken]) {
        expect(api.logs.lines.join('\n')).not.toContain(secret);
      }
    });
  });
});
