import { Test, type TestingModule } from '@nestjs/testing';
import { AppConfig, ConfigModule, loadConfig } from '@statemesh/config';
import { DatabaseModule, PrismaService, TransactionRunner } from '@statemesh/database';
import { JobEnqueuer, OutboxRelay, OutboxRepository, ProcessorRegistry, QueueModule, QueueRegistry } from '@statemesh/queue';
import { applyMigrations } from '../../libs/database/src/migrations/schema-engine';
import { defaultMigrationPaths } from '../../libs/database/src/migrations/cli';
import { dropDatabase } from '../../libs/database/src/migrations/migration-adapter';
import { scratchDatabaseUrl } from '../support/test-environment';

/**
 * One process's worth of the queue layer (what the worker app wires), built
 * from real config overrides: two stacks side by side behave like two worker
 * processes sharing PostgreSQL and Redis.
 */
export class QueueTestStack {
  private constructor(private readonly module: TestingModule) {}

  static async create(settings: Record<string, string>): Promise<QueueTestStack> {
    const config = loadConfig({ ...process.env, ...settings });
    const module = await Test.createTestingModule({ imports: [ConfigModule.forRoot(config), DatabaseModule, QueueModule] }).compile();
    await module.init();
    return new QueueTestStack(module);
  }

  get config(): AppConfig {
    return this.module.get(AppConfig);
  }
  get prisma(): PrismaService {
    return this.module.get(PrismaService);
  }
  get transactions(): TransactionRunner {
    return this.module.get(TransactionRunner);
  }
  get enqueuer(): JobEnqueuer {
    return this.module.get(JobEnqueuer);
  }
  get outbox(): OutboxRepository {
    return this.module.get(OutboxRepository);
  }
  get relay(): OutboxRelay {
    return this.module.get(OutboxRelay);
  }
  get queues(): QueueRegistry {
    return this.module.get(QueueRegistry);
  }
  get processors(): ProcessorRegistry {
    return this.module.get(ProcessorRegistry);
  }

  /** Stops relay and workers, closes Redis and PostgreSQL (the worker's shutdown sequence). */
  close(): Promise<void> {
    return this.module.close();
  }
}

/**
 * A migrated database of the test's own. The outbox is one table that every
 * relay drains, so tests that run relays must not share it with other test
 * files running in parallel.
 */
export async function createOwnDatabase(label: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const url = scratchDatabaseUrl(label);
  await applyMigrations(url, defaultMigrationPaths());
  return { url, drop: () => dropDatabase(url) };
}

/** Polls `condition` until it holds, failing with `what` after `timeoutMs`. */
export async function eventually(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
