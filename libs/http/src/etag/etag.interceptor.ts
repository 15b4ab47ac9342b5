import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Observable, map } from 'rxjs';
import { Versioned, etagOf } from './versioned';

/** Unwraps `Versioned` results into the body plus an `ETag` header. */
@Injectable()
export class EtagInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((result) => {
        if (!(result instanceof Versioned)) return result;
        context.switchToHttp().getResponse<FastifyReply>().header('etag', etagOf(result.version));
        return result.body;
      }),
    );
  }
}
