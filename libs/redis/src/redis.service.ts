import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '@statemesh/config';
import { Redis } from 'ioredis';

/**
 * The process's shared Redis client for caches, counters and pub/sub
 * signalling. Every key is namespaced by REDIS_PREFIX, so several stacks and
 * test runs share one Redis safely. Redis holds nothing that PostgreSQL
 * cannot rebuild.
 */
@Injectable()
export class RedisService implements OnModuleDestroy {
  private readonly logger = new Logger(RedisService.name);
  readonly client: Redis;
  readonly prefix: string;

  constructor(config: AppConfig) {
    this.prefix = config.redis.prefix;
    this.client = new Redis(config.redis.url, {
      keyPrefix: `${config.redis.prefix}:`,
      lazyConnect: true,
      // Requests must not hang while Redis is away: fail fast, callers decide.
      maxRetriesPerRequest: 1,
      enableOfflineQueue: true,
      connectTimeout: 2_000,
      commandTimeout: 2_000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
      // Commands issued in the same tick (concurrent requests' counters, say) go out in one write.
      enableAutoPipelining: true,
    });
    this.client.on('error', (error) => this.logger.warn(`redis: ${error.message}`));
  }

  /** Opens a second connection (same options) for blocking or subscriber use. */
  duplicate(): Redis {
    return this.client.duplicate({ enableAutoPipelining: false });
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.client.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.client.disconnect();
  }
}
