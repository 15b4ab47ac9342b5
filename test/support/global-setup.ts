import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { applyMigrations } from '../../libs/database/src/migrations/schema-engine';
import { newTestEnvironment } from './test-environment';

// Runs outside jest's module mapping, so nothing here may import a `@statemesh/*` alias.
const root = join(__dirname, '../..');

export default async function globalSetup(): Promise<void> {
  const environment = newTestEnvironment();
  await applyMigrations(environment.databaseUrl, {
    schemaDir: join(root, 'prisma/schema'),
    migrationsDir: join(root, 'prisma/migrations'),
  });
  // Suites that start real processes (the API, workers) run the compiled entry points: build them once, before any suite.
  const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { env: { ...process.env, QUIET_BUILD: '1' }, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('building dist/ for the process tests failed');
  process.env.NODE_ENV = 'test';
  process.env.DATABASE_URL = environment.databaseUrl;
  process.env.REDIS_URL = environment.redisUrl;
  process.env.REDIS_PREFIX = environment.redisPrefix;
}
