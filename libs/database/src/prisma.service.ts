import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { AppConfig } from '@statemesh/config';
import { PrismaClient } from './generated/prisma/client';

/**
 * The one PrismaClient of a process, over the pg driver adapter. Only
 * repositories inject it. Connections are opened lazily by the pool, so a
 * process that never queries (e.g. OpenAPI generation) never connects.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  private readonly logger = new Logger(PrismaService.name);

  constructor(config: AppConfig) {
    super({
      adapter: new PrismaPg(
        { connectionString: config.database.url, max: config.database.poolSize },
        { onPoolError: (error) => this.logger.warn(`idle database connection failed: ${error.message}`) },
      ),
    });
  }

  /** True when a trivial query succeeds; used by readiness checks. */
  async ping(): Promise<boolean> {
    try {
      await this.$queryRaw`SELECT 1`;
      return true;
    } catch {
      return false;
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}
