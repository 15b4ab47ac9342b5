import { Module } from '@nestjs/common';
import { IdempotencyRepository } from './idempotency/idempotency.repository';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { EtagInterceptor } from './etag/etag.interceptor';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';
import { ProblemFilter } from './problem/problem.filter';

/**
 * The HTTP conventions of DESIGN.md §3 as injectable pieces. The API app
 * registers them globally (filter, guards in order, interceptors).
 */
@Module({
  providers: [IdempotencyRepository, IdempotencyInterceptor, EtagInterceptor, RateLimitGuard, ProblemFilter],
  exports: [IdempotencyRepository, IdempotencyInterceptor, EtagInterceptor, RateLimitGuard, ProblemFilter],
})
export class HttpConventionsModule {}
