import { loadConfig } from '@statemesh/config';
import { accountsMe, authLogin } from '@statemesh/sdk';
import { defaultMigrationPaths } from '../../libs/database/src/migrations/cli';
import { dropDatabase } from '../../libs/database/src/migrations/migration-adapter';
import { applyMigrations } from '../../libs/database/src/migrations/schema-engine';
import { seed } from '../../prisma/seed';
import { send, startApi, type ApiHarness } from '../support/api-harness';
import { scratchDatabaseUrl } from '../support/test-environment';

describe('the seed', () => {
  let api: ApiHarness;
  const admin = { email: `root-${Date.now()}@statemesh.test`, password: 'correct-horse-admin-password' };

  // Its own database: seeding the shared one would change what other suites see.
  const databaseUrl = scratchDatabaseUrl('seed');

  beforeAll(async () => {
    await applyMigrations(databaseUrl, defaultMigrationPaths());
    api = await startApi({ DATABASE_URL: databaseUrl });
  });

  afterAll(async () => {
    await api.close();
    await dropDatabase(databaseUrl);
  });

  it('is idempotent and bootstraps a platform admin who can sign in', async () => {
    const config = loadConfig({ ...process.env, DATABASE_URL: databaseUrl, ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password });
    const lines: string[] = [];
    await seed(config, (line) => lines.push(line));
    await seed(config, (line) => lines.push(line));
    expect(lines[0]).toContain('created platform admin');
    expect(lines).toContain('created the default price list');
    expect(lines).toContain('price list is in place');
    expect(lines.filter((line) => line.includes('created platform admin'))).toHaveLength(1);

    const login = await send(authLogin({ client: api.client(), body: admin }));
    expect(login.status).toBe(200);
    const me = await send(accountsMe({ client: api.client(login.data!.accessToken) }));
    expect(me.data).toMatchObject({ kind: 'user', email: admin.email, platformAdmin: true });
    expect(me.data!.accounts).toHaveLength(1);
  });
});
