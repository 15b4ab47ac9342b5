import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type AppConfig, ConfigModule, loadConfigOrExit } from '@statemesh/config';
import { DatabaseModule } from '@statemesh/database';
import { SecretsModule } from '../secrets.module';
import { MasterKeyRotationService, type RotationOptions, type RotationSummary } from './master-key-rotation.service';

@Module({ imports: [DatabaseModule, SecretsModule] })
class RotationModule {}

/**
 * `npm run secrets:rotate-master [-- --batch-size=N]`: rewraps every secret's
 * data key under the active master key (DATA_ENCRYPTION_KEY with
 * DATA_ENCRYPTION_KEY_ID), opening the old ones with
 * DATA_ENCRYPTION_RETIRED_KEYS. Exits 0 once no secret is left under another
 * key, 1 otherwise. Safe to run again at any time. See docs/secrets.md.
 */
export async function rotateMasterKey(config: AppConfig, options: RotationOptions = {}): Promise<RotationSummary> {
  const app = await NestFactory.createApplicationContext(
    { module: RotationModule, imports: [ConfigModule.forRoot(config)] },
    { logger: ['error', 'warn'] },
  );
  try {
    return await app.get(MasterKeyRotationService).rewrapAll(options);
  } finally {
    await app.close();
  }
}

function batchSizeFrom(args: string[]): number | undefined {
  const arg = args.find((candidate) => candidate.startsWith('--batch-size='));
  if (arg === undefined) return undefined;
  const size = Number(arg.slice('--batch-size='.length));
  if (!Number.isInteger(size) || size < 1 || size > 10_000) throw new Error('--batch-size must be an integer from 1 to 10000');
  return size;
}

async function main(): Promise<void> {
  const unknown = process.argv.slice(2).filter((arg) => !arg.startsWith('--batch-size='));
  if (unknown.length > 0) throw new Error(`usage: npm run secrets:rotate-master [-- --batch-size=N] (unknown: ${unknown.join(' ')})`);
  const config = loadConfigOrExit();
  const summary = await rotateMasterKey(config, {
    batchSize: batchSizeFrom(process.argv.slice(2)),
    log: (line) => console.log(`[rotate-master] ${line}`),
  });
  process.exitCode = summary.remaining === 0 ? 0 : 1;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
