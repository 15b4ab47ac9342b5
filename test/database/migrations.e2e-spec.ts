import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { defaultMigrationPaths } from '../../libs/database/src/migrations/cli';
import { dropDatabase } from '../../libs/database/src/migrations/migration-adapter';
import { applyMigrations, diffMigrationsToSchema } from '../../libs/database/src/migrations/schema-engine';
import { scratchDatabaseUrl } from '../support/test-environment';

describe('migrations', () => {
  const paths = defaultMigrationPaths();
  const migrations = readdirSync(paths.migrationsDir).filter((entry) => /^\d{14}_/.test(entry)).sort();

  it('create a missing database, migrate it from zero, and are then up to date', async () => {
    const zeroUrl = scratchDatabaseUrl('migrate');
    try {
      const applied = await applyMigrations(zeroUrl, paths);
      expect(applied.length).toBeGreaterThan(0);
      expect(await applyMigrations(zeroUrl, paths)).toEqual([]);

      const client = new pg.Client({ connectionString: zeroUrl });
      await client.connect();
      try {
        const { rows } = await client.query('SELECT migration_name, finished_at FROM _prisma_migrations ORDER BY migration_name');
        expect(rows.map((row) => row.migration_name)).toEqual(applied);
        expect(rows.every((row) => row.finished_at !== null)).toBe(true);
      } finally {
        await client.end();
      }
    } finally {
      await dropDatabase(zeroUrl);
    }
  });

  it('agree with the schema', async () => {
    const url = scratchDatabaseUrl('diff');
    try {
      expect(await diffMigrationsToSchema(url, paths)).toBe('');
    } finally {
      await dropDatabase(url);
    }
  }, 60_000);

  it('give accounts that existed before wallets their wallet, and set up the platform wallets', async () => {
    const walletsMigration = migrations.findIndex((name) => name.endsWith('_wallets'));
    expect(walletsMigration).toBeGreaterThan(0);
    const staged = mkdtempSync(join(tmpdir(), 'statemesh-migrations-'));
    const url = scratchDatabaseUrl('backfill');
    const stage = (names: string[]) => {
      cpSync(join(paths.migrationsDir, 'migration_lock.toml'), join(staged, 'migration_lock.toml'));
      for (const name of names) cpSync(join(paths.migrationsDir, name), join(staged, name), { recursive: true });
    };
    const client = new pg.Client({ connectionString: url });
    try {
      stage(migrations.slice(0, walletsMigration));
      await applyMigrations(url, { schemaDir: paths.schemaDir, migrationsDir: staged });
      await client.connect();
      await client.query(`INSERT INTO accounts (id, name, "updatedAt") VALUES ('older00000000000a1', 'a', now()), ('older00000000000a2', 'b', now())`);

      stage(migrations);
      await applyMigrations(url, { schemaDir: paths.schemaDir, migrationsDir: staged });
      const { rows } = await client.query(`SELECT id, kind, "accountId", balance::text FROM wallets ORDER BY kind, "accountId"`);
      expect(rows).toEqual([
        { id: expect.stringMatching(/^[0-9a-z]{18}$/), kind: 'account', accountId: 'older00000000000a1', balance: '0' },
        { id: expect.stringMatching(/^[0-9a-z]{18}$/), kind: 'account', accountId: 'older00000000000a2', balance: '0' },
        { id: 'platform_revenue', kind: 'platform_revenue', accountId: null, balance: '0' },
        { id: 'platform_funding', kind: 'platform_funding', accountId: null, balance: '0' },
      ]);
      // Exactly one wallet of each platform kind, and none for an account twice.
      await expect(client.query(`INSERT INTO wallets (id, kind) VALUES ('second_revenue', 'platform_revenue')`)).rejects.toThrow(/wallets_owner_check/);
      await expect(client.query(`INSERT INTO wallets (id, kind, "accountId") VALUES ('w2', 'account', 'older00000000000a1')`)).rejects.toThrow(
        /wallets_accountId_key/,
      );
    } finally {
      await client.end().catch(() => undefined);
      await dropDatabase(url);
      rmSync(staged, { recursive: true, force: true });
    }
  }, 60_000);
});
