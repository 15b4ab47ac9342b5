import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@statemesh/config';
import { CommonErrors, DomainError } from '@statemesh/common';
import { RedisService } from '@statemesh/redis';
import type { FastifyReply, FastifyRequest } from 'fastify';

const WINDOW_MS = 60_000;

// One round trip (EVALSHA once Redis knows the script): count this request in the caller's current window and
// report the count and the time left in the window.
const COUNT_REQUEST = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {count, ttl}
`;

/** The client with the command defined in the constructor. */
type CountingRedis = RedisService['client'] & { statemeshCountRequest(key: string, windowMs: number): Promise<[number, number]> };

/**
 * Per-caller rate limit (RATE_LIMIT_PER_MINUTE): a fixed one-minute window per
 * API token, user session or, for anonymous routes, client address, counted in
 * Redis so that every API replica shares it. Over the limit: 429 with
 * Retry-After. If Redis is unreachable the request is let through: losing the
 * limiter must not take the API down.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly logger = new Logger(RateLimitGuard.name);

  constructor(
    private readonly redis: RedisService,
    private readonly config: AppConfig,
  ) {
    redis.client.defineCommand('statemeshCountRequest', { numberOfKeys: 1, lua: COUNT_REQUEST });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const limit = this.config.rateLimit.requestsPerMinute;
    const caller = request.principal?.key ?? `ip:${request.ip}`;
    let count: number;
    let ttlMs: number;
    try {
      [count, ttlMs] = await (this.redis.client as CountingRedis).statemeshCountRequest(`ratelimit:${caller}`, WINDOW_MS);
    } catch (error) {
      this.logger.warn(`rate limiter unavailable, request allowed: ${(error as Error).message}`);
      return true;
    }
    const resetSeconds = Math.max(1, Math.ceil(ttlMs / 1000));
    reply.header('ratelimit-limit', limit);
    reply.header('ratelimit-remaining', Math.max(0, limit - count));
    reply.header('ratelimit-reset', resetSeconds);
    if (count > limit) {
      reply.header('retry-after', resetSeconds);
      throw new DomainError(CommonErrors['rate_limit.exceeded'], `Rate limit of ${limit} requests per minute exceeded; retry in ${resetSeconds} s.`, {
        retryAfterSeconds: resetSeconds,
      });
    }
    return true;
  }
}
