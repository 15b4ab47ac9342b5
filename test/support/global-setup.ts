import { applyMigrations } from '../../libs/database/src/migrations/schema-engine';
import { defaultMigrationPaths } from '../../libs/database/src/migrations/cli';
import { newTestEnvironment } from './test-environment';

export default async function globalSetup(): Promise<void> {
  const environment = newTestEnvironment();
  await applyMigrations(environment.databaseUrl, defaultMigrationPaths());
  process.env.NODE_ENV = 'test';
  process.env.DATABASE_URL = environment.databaseUrl;
  process.env.REDIS_URL = environment.redisUrl;
  process.env.REDIS_PREFIX = environment.redisPrefix;
}
