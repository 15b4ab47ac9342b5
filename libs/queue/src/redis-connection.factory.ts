import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@statemesh/config';
import { Redis, type RedisOptions } from 'ioredis';
import { OutageLog } from './outage-log';

/**
 * Creates every Redis connection of the queue layer from `config.redis`, and
 * gives the key prefix all BullMQ queues and workers share, so several stacks
 * and test runs can use one Redis without seeing each other's jobs.
 */
@Injectable()
export class RedisConnectionFactory {
  private readonly logger = new Logger('Redis');
  // One outage log for the process: every connection notices the same outage.
  private readonly outage = new OutageLog(this.logger, 'Redis connection', 'reconnecting with backoff');

  constructor(private readonly config: AppConfig) {}

  get prefix(): string {
    return this.config.redis.prefix;
  }

  /**
   * For adding jobs. Commands fail at once while Redis is unreachable rather
   * than waiting in an in-memory queue, so a caller can roll back and retry
   * later instead of hanging.
   */
  createProducerConnection(name: string): Redis {
    return this.create(name, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  }

  /** For BullMQ workers, whose blocking commands must wait out reconnects (BullMQ requires null). */
  createWorkerConnection(name: string): Redis {
    return this.create(name, { maxRetriesPerRequest: null });
  }

  /** Reports an error a BullMQ queue or worker emitted: outages once, anything else every time. */
  reportError(source: string, error: Error): void {
    if (this.outage.isDown || isConnectionError(error)) this.outage.failed(error);
    else this.logger.error(`${source}: ${error.message}`, error.stack);
  }

  private create(name: string, options: RedisOptions): Redis {
    const connection = new Redis(this.config.redis.url, {
      connectionName: `${this.prefix}:${name}`,
      connectTimeout: 5_000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
      ...options,
    });
    connection.on('error', (error: Error) => this.outage.failed(error));
    connection.on('ready', () => this.outage.recovered());
    return connection;
  }
}

const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
const CONNECTION_ERROR_MESSAGE = /Connection is closed|Stream isn't writeable|ECONNREFUSED|ECONNRESET|ETIMEDOUT|MaxRetriesPerRequest/i;

function isConnectionError(error: Error & { code?: unknown }): boolean {
  if (typeof error.code === 'string' && CONNECTION_ERROR_CODES.has(error.code)) return true;
  return CONNECTION_ERROR_MESSAGE.test(`${error.name} ${error.message}`);
}
