import { join } from 'node:path';
import pg from 'pg';
import { applyMigrations, diffMigrationsToSchema } from '../../libs/database/src/migrations/schema-engine';
import { dropDatabase } from '../../libs/database/src/migrations/migration-adapter';
import { scratchDatabaseUrl } from '../support/test-environment';

const root = join(__dirname, '../..');
const paths = { schemaDir: join(root, 'prisma/schema'), migrationsDir: join(root, 'prisma/migrations') };

describe('database migrations', () => {
  const databaseUrl = scratchDatabaseUrl('migrate');

  afterAll(async () => {
    await dropDatabase(databaseUrl);
  });

  it('create a missing database, migrate it from zero, and are then up to date', async () => {
    const applied = await applyMigrations(databaseUrl, paths);
    expect(applied.length).toBeGreaterThan(0);
    expect(await applyMigrations(databaseUrl, paths)).toEqual([]);

    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT migration_name, finished_at FROM _prisma_migrations ORDER BY migration_name');
      expect(rows.map((row) => row.migration_name)).toEqual(applied);
      expect(rows.every((row) => row.finished_at !== null)).toBe(true);
    } finally {
      await client.end();
    }
  });

  it('agree with the schema: a new migration would be empty', async () => {
    const scratch = scratchDatabaseUrl('diff');
    try {
      expect(await diffMigrationsToSchema(scratch, paths)).toBe('');
    } finally {
      await dropDatabase(scratch);
    }
  });
});
