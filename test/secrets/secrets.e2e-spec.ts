import { loadConfig } from '@statemesh/config';
import {
  authSignup,
  membersAdd,
  secretsCreate,
  secretsDelete,
  secretsGet,
  secretsList,
  secretsReplace,
  tokensCreate,
  type ApiTokenResponseDto,
} from '@statemesh/sdk';
import { SecretsService, rotateMasterKey, type SecretOwner } from '@statemesh/secrets';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { findSecrets } from '../support/secret-patterns';
import { newCredentials, send, startApi, type ApiHarness } from '../support/api-harness';

let counter = 0;

/** A unique secret value; the `s3cr3t-value-` prefix is what the log scan at teardown looks for. */
function newValue(): string {
  counter += 1;
  return `s3cr3t-value-${process.pid}-${counter}-${randomBytes(6).toString('hex')}`;
}

/** Every value this file ever sent: none may come back in a response, a log line or the database. */
const sentValues: string[] = [];

function value(): string {
  const created = newValue();
  sentValues.push(created);
  return created;
}

function expectNoValues(result: { data?: unknown; error?: unknown; headers?: Headers }): void {
  const shown = JSON.stringify({ data: result.data, error: result.error, headers: result.headers ? [...result.headers] : [] });
  for (const sent of sentValues) expect(shown).not.toContain(sent);
  expect(shown).not.toContain('s3cr3t-value-');
}

describe('secrets', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await startApi({ RATE_LIMIT_PER_MINUTE: '10000' });
  });

  afterAll(async () => {
    await api.close();
  });

  async function signup() {
    const credentials = newCredentials();
    const { data, status } = await send(authSignup({ client: api.client(), body: credentials }));
    expect(status).toBe(201);
    const accountId = data!.account!.id;
    return { ...credentials, auth: data!, accountId, client: api.client(data!.accessToken) };
  }

  async function token(owner: Awaited<ReturnType<typeof signup>>, scopes: ApiTokenResponseDto['scopes']) {
    const created = await send(tokensCreate({ client: owner.client, path: { accountId: owner.accountId }, body: { name: 't', scopes } }));
    expect(created.status).toBe(201);
    return api.client(created.data!.token);
  }

  function reveal(harness: ApiHarness, owner: SecretOwner, names: string[]): Promise<Map<string, string>> {
    return harness.app.get(SecretsService).revealForAccount(owner.accountId, names);
  }

  it('creates a secret and shows only its metadata, in every response', async () => {
    const alice = await signup();
    const secret = value();
    const created = await send(secretsCreate({ client: alice.client, path: { accountId: alice.accountId }, body: { name: 'db-password', value: secret } }));
    expect(created.status).toBe(201);
    expect(Object.keys(created.data!).sort()).toEqual(['createdAt', 'name', 'updatedAt', 'version']);
    expect(created.data).toMatchObject({ name: 'db-password', version: 1 });
    expect(created.data!.updatedAt).toBe(created.data!.createdAt);
    expect(created.headers.get('etag')).toBe('"v1"');

    const listed = await send(secretsList({ client: alice.client, path: { accountId: alice.accountId } }));
    expect(listed.status).toBe(200);
    expect(listed.data).toEqual({ items: [created.data], nextCursor: null });

    const got = await send(secretsGet({ client: alice.client, path: { accountId: alice.accountId, name: 'db-password' } }));
    expect(got.status).toBe(200);
    expect(got.data).toEqual(created.data);
    expect(got.headers.get('etag')).toBe('"v1"');

    for (const result of [created, listed, got]) expectNoValues(result);
    // Only the agent hand-off sees the value; references can be checked without it.
    expect(await reveal(api, alice, ['db-password'])).toEqual(new Map([['db-password', secret]]));
    expect(await api.app.get(SecretsService).findMissing(alice.accountId, ['db-password', 'not-there', 'NOT A NAME'])).toEqual([
      'not-there',
      'NOT A NAME',
    ]);
  });

  it('refuses a name that exists (409) and replaces a value with PUT, which bumps the version', async () => {
    const alice = await signup();
    const path = { accountId: alice.accountId };
    await send(secretsCreate({ client: alice.client, path, body: { name: 'api-key', value: value() } }));

    const duplicate = await send(secretsCreate({ client: alice.client, path, body: { name: 'api-key', value: value() } }));
    expect(duplicate.status).toBe(409);
    expect(duplicate.error).toMatchObject({ status: 409, code: 'secret.name_taken' });

    const rotated = value();
    const replaced = await send(secretsReplace({ client: alice.client, path: { ...path, name: 'api-key' }, body: { value: rotated } }));
    expect(replaced.status).toBe(200);
    expect(replaced.data).toMatchObject({ name: 'api-key', version: 2 });
    expect(replaced.headers.get('etag')).toBe('"v2"');
    expect(Date.parse(replaced.data!.updatedAt)).toBeGreaterThanOrEqual(Date.parse(replaced.data!.createdAt));

    const stale = await send(
      secretsReplace({ client: alice.client, path: { ...path, name: 'api-key' }, body: { value: value() }, headers: { 'if-match': '"v1"' } }),
    );
    expect(stale.status).toBe(412);
    const latest = value();
    const current = await send(
      secretsReplace({ client: alice.client, path: { ...path, name: 'api-key' }, body: { value: latest }, headers: { 'if-match': '"v2"' } }),
    );
    expect(current.data).toMatchObject({ version: 3 });

    const missing = await send(secretsReplace({ client: alice.client, path: { ...path, name: 'no-such-secret' }, body: { value: value() } }));
    expect(missing.status).toBe(404);

    for (const result of [duplicate, replaced, stale, current, missing]) expectNoValues(result);
    expect((await reveal(api, alice, ['api-key'])).get('api-key')).toBe(latest);
  });

  it('deletes a secret and its value; afterwards it is 404 and the name is free again', async () => {
    const alice = await signup();
    const path = { accountId: alice.accountId, name: 'old-token' };
    await send(secretsCreate({ client: alice.client, path: { accountId: alice.accountId }, body: { name: 'old-token', value: value() } }));

    expect((await send(secretsDelete({ client: alice.client, path, headers: { 'if-match': '"v7"' } }))).status).toBe(412);
    expect((await send(secretsDelete({ client: alice.client, path, headers: { 'if-match': '"v1"' } }))).status).toBe(204);

    expect((await send(secretsGet({ client: alice.client, path }))).status).toBe(404);
    expect((await send(secretsReplace({ client: alice.client, path, body: { value: value() } }))).status).toBe(404);
    expect((await send(secretsDelete({ client: alice.client, path }))).status).toBe(404);
    expect((await send(secretsList({ client: alice.client, path: { accountId: alice.accountId } }))).data!.items).toEqual([]);
    await expect(reveal(api, alice, ['old-token'])).rejects.toMatchObject({ code: 'secret.unknown_secret', extensions: { secrets: ['old-token'] } });

    const again = await send(secretsCreate({ client: alice.client, path: { accountId: alice.accountId }, body: { name: 'old-token', value: value() } }));
    expect(again.status).toBe(201);
    expect(again.data).toMatchObject({ version: 1 });
  });

  it("answers 404 for another tenant's secrets, with a session or a token", async () => {
    const alice = await signup();
    const mallory = await signup();
    await send(secretsCreate({ client: alice.client, path: { accountId: alice.accountId }, body: { name: 'shared-name', value: value() } }));
    const malloryToken = await token(mallory, ['secrets:write']);

    for (const client of [mallory.client, malloryToken]) {
      const accountId = alice.accountId;
      const results = [
        await send(secretsList({ client, path: { accountId } })),
        await send(secretsGet({ client, path: { accountId, name: 'shared-name' } })),
        await send(secretsCreate({ client, path: { accountId }, body: { name: 'planted', value: value() } })),
        await send(secretsReplace({ client, path: { accountId, name: 'shared-name' }, body: { value: value() } })),
        await send(secretsDelete({ client, path: { accountId, name: 'shared-name' } })),
      ];
      for (const result of results) {
        expect(result.status).toBe(404);
        expect(result.error).toMatchObject({ code: 'resource.not_found' });
        expectNoValues(result);
      }
    }
    // A secret of the same name in Mallory's own account is hers alone.
    await send(secretsCreate({ client: mallory.client, path: { accountId: mallory.accountId }, body: { name: 'shared-name', value: value() } }));
    await expect(reveal(api, mallory, ['shared-name'])).resolves.toHaveProperty('size', 1);
    expect((await reveal(api, alice, ['shared-name'])).get('shared-name')).not.toBe((await reveal(api, mallory, ['shared-name'])).get('shared-name'));
    expect((await send(secretsGet({ client: alice.client, path: { accountId: alice.accountId, name: 'shared-name' } }))).status).toBe(200);
  });

  it('needs the secrets:write scope for tokens, and the member role to change secrets', async () => {
    const alice = await signup();
    const accountId = alice.accountId;
    await send(secretsCreate({ client: alice.client, path: { accountId }, body: { name: 'scoped', value: value() } }));

    const reader = await token(alice, ['vms:read', 'vms:write', 'volumes:write']);
    const denied = [
      await send(secretsList({ client: reader, path: { accountId } })),
      await send(secretsGet({ client: reader, path: { accountId, name: 'scoped' } })),
      await send(secretsCreate({ client: reader, path: { accountId }, body: { name: 'other', value: value() } })),
      await send(secretsReplace({ client: reader, path: { accountId, name: 'scoped' }, body: { value: value() } })),
      await send(secretsDelete({ client: reader, path: { accountId, name: 'scoped' } })),
    ];
    for (const result of denied) {
      expect(result.status).toBe(403);
      expect(result.error).toMatchObject({ code: 'auth.insufficient_scope', requiredScope: 'secrets:write' });
      expectNoValues(result);
    }

    const writer = await token(alice, ['secrets:write']);
    expect((await send(secretsList({ client: writer, path: { accountId } }))).status).toBe(200);
    expect((await send(secretsCreate({ client: writer, path: { accountId }, body: { name: 'by-token', value: value() } }))).status).toBe(201);

    const viewer = await signup();
    await send(membersAdd({ client: alice.client, path: { accountId }, body: { email: viewer.email, role: 'viewer' } }));
    expect((await send(secretsList({ client: viewer.client, path: { accountId } }))).data!.items.map((item) => item.name)).toEqual(['scoped', 'by-token']);
    const viewerCreate = await send(secretsCreate({ client: viewer.client, path: { accountId }, body: { name: 'nope', value: value() } }));
    expect(viewerCreate.status).toBe(403);
    expect(viewerCreate.error).toMatchObject({ code: 'auth.insufficient_role' });
    expect((await send(secretsDelete({ client: viewer.client, path: { accountId, name: 'scoped' } }))).status).toBe(403);
  });

  it('validates names and values, and never quotes a value back', async () => {
    const alice = await signup();
    const path = { accountId: alice.accountId };
    for (const name of ['DB', '-db', 'db-', 'a'.repeat(65), 'a/b', 'db password', '']) {
      const result = await send(secretsCreate({ client: alice.client, path, body: { name, value: value() } }));
      expect(result.status).toBe(400);
      expect(result.error).toMatchObject({ code: 'request.validation_failed', errors: [expect.objectContaining({ field: 'name' })] });
      expectNoValues(result);
    }

    const limit = 64 * 1024;
    const prefix = value();
    const tooLong = prefix + 'x'.repeat(limit + 1 - prefix.length);
    const multiByte = prefix + '€'.repeat(Math.ceil((limit + 1 - prefix.length) / 3));
    sentValues.push(tooLong, multiByte);
    for (const body of [{ name: 'big', value: tooLong }, { name: 'big', value: multiByte }, { name: 'big', value: '' }, { name: 'big', value: 42 }]) {
      const result = await send(secretsCreate({ client: alice.client, path, body: body as { name: string; value: string } }));
      expect(result.status).toBe(400);
      const fields = (result.error as { errors: Array<{ field: string }> }).errors.map((error) => error.field);
      expect(new Set(fields)).toEqual(new Set(['value']));
      expectNoValues(result);
    }
    const exactlyAtLimit = prefix + 'x'.repeat(limit - prefix.length);
    expect((await send(secretsCreate({ client: alice.client, path, body: { name: 'big', value: exactlyAtLimit } }))).status).toBe(201);

    const unknownField = await send(
      secretsCreate({ client: alice.client, path, body: { name: 'x', value: value(), plaintext: true } as unknown as { name: string; value: string } }),
    );
    expect(unknownField.status).toBe(400);
    expectNoValues(unknownField);

    // A malformed body is not quoted back either.
    const leaked = value();
    const malformed = await fetch(`${api.baseUrl}/v1/accounts/${alice.accountId}/secrets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.auth.accessToken}`, 'content-type': 'application/json' },
      body: `{"name": "x", "value": ${leaked}}`,
    });
    expect(malformed.status).toBe(400);
    const text = await malformed.text();
    expect(JSON.parse(text)).toMatchObject({ code: 'request.malformed_json' });
    expect(text).not.toContain('s3cr3t');
  });

  it('lists secrets in creation order, a page at a time', async () => {
    const alice = await signup();
    const path = { accountId: alice.accountId };
    for (const name of ['zeta', 'alpha', 'mid']) await send(secretsCreate({ client: alice.client, path, body: { name, value: value() } }));
    const first = await send(secretsList({ client: alice.client, path, query: { limit: 2 } }));
    expect(first.data!.items.map((item) => item.name)).toEqual(['zeta', 'alpha']);
    const second = await send(secretsList({ client: alice.client, path, query: { limit: 2, cursor: first.data!.nextCursor! } }));
    expect(second.data).toMatchObject({ items: [expect.objectContaining({ name: 'mid' })], nextCursor: null });
  });

  it('replays an idempotent create without creating twice', async () => {
    const alice = await signup();
    const body = { name: 'once', value: value() };
    const headers = { 'idempotency-key': `secret-${Date.now()}` };
    const first = await send(secretsCreate({ client: alice.client, path: { accountId: alice.accountId }, body, headers }));
    const replay = await send(secretsCreate({ client: alice.client, path: { accountId: alice.accountId }, body, headers }));
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.data).toEqual(first.data);
    const other = await send(secretsCreate({ client: alice.client, path: { accountId: alice.accountId }, body: { ...body, value: value() }, headers }));
    expect(other.status).toBe(422);
    for (const result of [first, replay, other]) expectNoValues(result);
  });

  describe('at rest', () => {
    /** Every row of every table, as PostgreSQL prints it (bytea as hex). */
    async function dumpEveryRow(): Promise<string> {
      const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await client.connect();
      try {
        const { rows: tables } = await client.query<{ name: string }>(
          "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
        );
        expect(tables.map((table) => table.name)).toEqual(expect.arrayContaining(['secrets', 'idempotency_records', 'accounts']));
        const dumped: string[] = [];
        for (const table of tables) {
          const { rows } = await client.query<{ row: string }>(`SELECT t::text AS row FROM "${table.name}" t`);
          dumped.push(...rows.map((row) => row.row));
        }
        return dumped.join('\n');
      } finally {
        await client.end();
      }
    }

    function expectNoPlaintext(dump: string): void {
      expect(dump.length).toBeGreaterThan(0);
      for (const sent of sentValues) {
        const bytes = Buffer.from(sent, 'utf8');
        for (const form of [sent, bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('hex')]) {
          expect(dump.includes(form)).toBe(false);
        }
      }
      expect(dump).not.toContain('s3cr3t-value-');
      expect(dump).not.toContain(Buffer.from('s3cr3t-value-').toString('hex'));
    }

    it('keeps no plaintext value in the database', async () => {
      const alice = await signup();
      const path = { accountId: alice.accountId };
      await send(secretsCreate({ client: alice.client, path, body: { name: 'dumped', value: value() }, headers: { 'idempotency-key': `dump-${Date.now()}` } }));
      await send(secretsReplace({ client: alice.client, path: { ...path, name: 'dumped' }, body: { value: value() } }));
      expect(sentValues.length).toBeGreaterThan(20);

      expectNoPlaintext(await dumpEveryRow());
      const pgDump = spawnSync('pg_dump', ['--data-only', '--dbname', process.env.DATABASE_URL!], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
      if (pgDump.error === undefined) {
        expect(pgDump.status).toBe(0);
        expect(pgDump.stdout).toContain('COPY public.secrets');
        expectNoPlaintext(pgDump.stdout);
      }
    });

    it('never writes a value to the API logs', () => {
      const lines = api.logs.lines.join('\n');
      expect(api.logs.lines.length).toBeGreaterThan(0);
      for (const sent of sentValues) expect(lines.includes(sent)).toBe(false);
      expect(api.logs.lines.filter((line) => findSecrets(line).length > 0)).toEqual([]);
    });
  });

  // Last: it moves every secret of this run's database to a new master key,
  // which the API started above does not have.
  describe('master key rotation', () => {
    it('rewraps every secret under the new active key; values still open, without the old key', async () => {
      const alice = await signup();
      const path = { accountId: alice.accountId };
      const values = new Map([
        ['one', value()],
        ['two', value()],
        ['three', value()],
      ]);
      for (const [name, secret] of values) await send(secretsCreate({ client: alice.client, path, body: { name, value: secret } }));
      values.set('two', value());
      await send(secretsReplace({ client: alice.client, path: { ...path, name: 'two' }, body: { value: values.get('two')! } }));
      const before = await send(secretsGet({ client: alice.client, path: { ...path, name: 'two' } }));

      const oldKey = api.config.dataEncryption.keys.get(api.config.dataEncryption.activeKeyId)!.toString('base64');
      const newKey = randomBytes(32).toString('base64');
      const rotated = loadConfig({
        ...process.env,
        NODE_ENV: 'test',
        DATA_ENCRYPTION_KEY: newKey,
        DATA_ENCRYPTION_KEY_ID: 'k2',
        DATA_ENCRYPTION_RETIRED_KEYS: `${api.config.dataEncryption.activeKeyId}:${oldKey}`,
      });
      const lines: string[] = [];
      const summary = await rotateMasterKey(rotated, { batchSize: 4, log: (line) => lines.push(line) });
      expect(summary).toMatchObject({ activeKeyId: 'k2', changedMeanwhile: 0, failed: [], remaining: 0 });
      expect(summary.rewrapped).toBe(summary.found);
      expect(summary.found).toBeGreaterThanOrEqual(values.size);
      expect(lines.filter((line) => line.startsWith('batch ')).length).toBe(Math.ceil(summary.found / 4));
      expect(lines.join('\n')).not.toContain('s3cr3t-value-');
      expect(lines.join('\n')).not.toContain(newKey);
      expect(lines.join('\n')).not.toContain(oldKey);

      const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await client.connect();
      try {
        const { rows } = await client.query<{ keyId: string }>('SELECT DISTINCT "keyId" FROM secrets');
        expect(rows).toEqual([{ keyId: 'k2' }]);
      } finally {
        await client.end();
      }

      // An API that knows only the new key opens every value; versions did not move.
      const newApi = await startApi({ DATA_ENCRYPTION_KEY: newKey, DATA_ENCRYPTION_KEY_ID: 'k2' });
      try {
        expect(await reveal(newApi, alice, [...values.keys()])).toEqual(values);
        const after = await send(secretsGet({ client: newApi.client(alice.auth.accessToken), path: { ...path, name: 'two' } }));
        expect(after.data).toEqual(before.data);
        expect(newApi.logs.lines.join('\n')).not.toContain('s3cr3t-value-');
      } finally {
        await newApi.close();
      }
      // The API still on the old key alone can no longer open them.
      await expect(reveal(api, alice, ['one'])).rejects.toMatchObject({ code: 'secret.unknown_master_key' });

      // Running it again finds nothing to do.
      expect(await rotateMasterKey(rotated)).toMatchObject({ found: 0, rewrapped: 0, remaining: 0 });
    });
  });
});
