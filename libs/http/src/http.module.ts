import { Module } from '@nestjs/common';
import { IdempotencyRepository } from './idempotency/idempotency.repository';
import { EtagInterceptor } from './etag/etag.interceptor';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';
import { ProblemFilter } from './problem/problem.filter';

/**
 * The HTTP conventions of DESIGN.md §3 as injectable pieces. The API app
 * registers them globally (filter, guards in order, interceptors) and
 * provides the IdempotencyInterceptor with a ResponseSealer (RESPONSE_SEALER).
 */
@Module({
  providers: [IdempotencyRepository, EtagInterceptor, RateLimitGuard, ProblemFilter],
  exports: [IdempotencyRepository, EtagInterceptor, RateLimitGuard, ProblemFilter],
})
export class HttpConventionsModule {}
