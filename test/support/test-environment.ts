import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Each test run gets its own database and Redis key prefix, so runs on one
 * machine (and CI beside a developer) never collide. Global setup picks them
 * and exports them through the environment that jest's workers inherit.
 */
export interface TestEnvironment {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
}

const SERVER_URL = process.env.TEST_DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export function newTestEnvironment(): TestEnvironment {
  const suffix = `${process.pid}_${randomBytes(4).toString('hex')}`;
  const url = new URL(SERVER_URL);
  url.pathname = `/statemesh_test_${suffix}`;
  return {
    databaseUrl: url.toString(),
    redisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    redisPrefix: `smtest_${suffix}`,
  };
}

/** A separate, empty database on the same server, for tests that need one of their own. */
export function scratchDatabaseUrl(label: string): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/statemesh_${label}_${randomBytes(5).toString('hex')}`;
  return url.toString();
}

/** Where every API process of this test run writes its logs; global teardown scans them for secrets. */
export function testLogDirectory(): string {
  return join(tmpdir(), `statemesh-logs-${process.env.REDIS_PREFIX ?? 'local'}`);
}
