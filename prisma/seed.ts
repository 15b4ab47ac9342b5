import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule, loadConfig, type AppConfig } from '@statemesh/config';
import { seedCatalog } from '@statemesh/compute';
import { DatabaseModule, PrismaService } from '@statemesh/database';
import { IdentityModule, PlatformAdminBootstrap } from '@statemesh/identity';
import { RedisModule } from '@statemesh/redis';
import { WalletsModule, seedDefaultPrices } from '@statemesh/wallets';

// WalletsModule is needed wherever accounts are created: every account is born with its wallet.
@Module({ imports: [DatabaseModule, RedisModule, IdentityModule, WalletsModule] })
class SeedModule {}

/**
 * Brings a migrated database to a usable state: the platform admin from
 * ADMIN_EMAIL/ADMIN_PASSWORD, the catalog and the default price list. Every step is idempotent, so
 * the seed runs at every start of the stack.
 */
export async function seed(config: AppConfig, log: (line: string) => void = console.log): Promise<void> {
  const app = await NestFactory.createApplicationContext(
    { module: SeedModule, imports: [ConfigModule.forRoot(config)] },
    { logger: ['error', 'warn'] },
  );
  try {
    const admin = await app.get(PlatformAdminBootstrap).ensure();
    log(admin.created ? `created platform admin ${config.admin.email}` : `platform admin ${config.admin.email} is up to date`);
    const catalog = await seedCatalog(app.get(PrismaService));
    log(catalog.created > 0 ? `created ${catalog.created} catalog entries` : 'catalog is in place');
    const prices = await seedDefaultPrices(app.get(PrismaService));
    log(prices.created ? 'created the default price list' : 'price list is in place');
  } finally {
    await app.close();
  }
}

if (require.main === module) {
  seed(loadConfig()).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
