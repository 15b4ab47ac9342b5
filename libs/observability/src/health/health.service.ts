import { Injectable } from '@nestjs/common';
import { PrismaService } from '@statemesh/database';
import { RedisService } from '@statemesh/redis';

export interface Readiness {
  ready: boolean;
  checks: { postgres: 'ok' | 'failing'; redis: 'ok' | 'failing' };
}

const CHECK_TIMEOUT_MS = 2_000;

function withTimeout(check: Promise<boolean>): Promise<boolean> {
  return Promise.race([check.catch(() => false), new Promise<boolean>((resolve) => setTimeout(resolve, CHECK_TIMEOUT_MS, false).unref())]);
}

/** Readiness: this process can reach PostgreSQL and Redis now. */
@Injectable()
export class HealthService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly redis: RedisService,
  ) {}

  async readiness(): Promise<Readiness> {
    const [postgres, redis] = await Promise.all([withTimeout(this.prisma.ping()), withTimeout(this.redis.ping())]);
    return {
      ready: postgres && redis,
      checks: { postgres: postgres ? 'ok' : 'failing', redis: redis ? 'ok' : 'failing' },
    };
  }
}
