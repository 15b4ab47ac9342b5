import { Redis } from 'ioredis';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { findSecrets } from './secret-patterns';
import { testLogDirectory } from './test-environment';
import { dropDatabase } from '../../libs/database/src/migrations/migration-adapter';

/** Every log line the API wrote during the run: no password, token or secret value may appear. */
function assertNoSecretsLogged(): void {
  const directory = testLogDirectory();
  if (!existsSync(directory)) return;
  const leaks: string[] = [];
  for (const file of readdirSync(directory)) {
    for (const line of readFileSync(join(directory, file), 'utf8').split('\n')) {
      const found = findSecrets(line);
      if (found.length) leaks.push(`${found.join(', ')} in: ${line.slice(0, 300)}`);
    }
  }
  rmSync(directory, { recursive: true, force: true });
  if (leaks.length) throw new Error(`Secrets appeared in API logs during the test run:\n${leaks.slice(0, 10).join('\n')}`);
}

export default async function globalTeardown(): Promise<void> {
  try {
    assertNoSecretsLogged();
  } finally {
    await releaseResources();
  }
}

async function releaseResources(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  const prefix = process.env.REDIS_PREFIX;
  if (databaseUrl?.includes('/statemesh_test_')) await dropDatabase(databaseUrl);
  if (prefix?.startsWith('smtest_')) {
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        if (keys.length) await redis.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  }
}
