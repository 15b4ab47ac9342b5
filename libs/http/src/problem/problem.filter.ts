import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger, NotFoundException } from '@nestjs/common';
import { CommonErrors, DomainError, newId, type DefinedError } from '@statemesh/common';
import { isRecordNotFound, isTransientDatabaseFailure, isUniqueViolation } from '@statemesh/database';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, problemTypeUri, type Problem } from './problem';

/** Fastify's own error codes for bodies it refused before any handler ran. */
const FASTIFY_ERRORS: Record<string, DefinedError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: CommonErrors['request.payload_too_large'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: CommonErrors['request.unsupported_media_type'],
  FST_ERR_CTP_INVALID_JSON_BODY: CommonErrors['request.malformed_json'],
  FST_ERR_CTP_EMPTY_JSON_BODY: CommonErrors['request.malformed_json'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: CommonErrors['request.malformed_json'],
};

const STATUS_ERRORS: Record<number, DefinedError> = {
  400: CommonErrors['request.validation_failed'],
  401: CommonErrors['auth.unauthenticated'],
  403: CommonErrors['auth.forbidden'],
  404: CommonErrors['route.not_found'],
  405: CommonErrors['method.not_allowed'],
  408: CommonErrors['request.timeout'],
  409: CommonErrors['resource.conflict'],
  412: CommonErrors['request.precondition_failed'],
  413: CommonErrors['request.payload_too_large'],
  415: CommonErrors['request.unsupported_media_type'],
  422: CommonErrors['request.invalid'],
  429: CommonErrors['rate_limit.exceeded'],
  503: CommonErrors['service.unavailable'],
};

/**
 * The single place where every error becomes an `application/problem+json`
 * response: domain errors by their code, framework errors by their kind,
 * Prisma's unique/not-found errors, and anything else as a 500 that carries an
 * `errorId` for the log line (never a stack trace or an internal message).
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const request = context.getRequest<FastifyRequest>();
    const reply = context.getResponse<FastifyReply>();
    const problem = this.toProblem(exception, request);
    if (problem.status === 503) {
      this.logger.warn({ requestId: request.id, err: exception }, `busy on ${request.method} ${request.routeOptions?.url ?? 'unknown route'}; answered 503`);
      reply.header('retry-after', '1');
    } else if (problem.status >= 500) {
      this.logger.error(
        { errorId: problem.errorId, requestId: request.id, err: exception },
        `unhandled error ${problem.errorId} on ${request.method} ${request.routeOptions?.url ?? 'unknown route'}`,
      );
    }
    if (reply.sent) return;
    reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }

  private toProblem(exception: unknown, request: FastifyRequest): Problem {
    const instance = request.url.split('?')[0];
    const base = (error: DefinedError, detail: string): Problem => ({
      type: problemTypeUri(error.code),
      title: error.title,
      status: error.status,
      detail,
      instance,
      code: error.code,
      requestId: String(request.id),
    });

    if (exception instanceof DomainError) {
      const problem = { ...base(exception.error, exception.detail), ...exception.extensions };
      if (exception.fieldErrors) problem.errors = exception.fieldErrors;
      return problem;
    }
    if (isUniqueViolation(exception)) {
      return base(CommonErrors['resource.conflict'], 'The resource conflicts with one that already exists.');
    }
    if (isRecordNotFound(exception)) {
      return base(CommonErrors['resource.not_found'], 'The resource was not found.');
    }
    if (isTransientDatabaseFailure(exception)) {
      // Nothing was committed: the client may retry (with the same Idempotency-Key).
      return base(CommonErrors['service.unavailable'], 'The service is busy and did not complete the request; retry it shortly.');
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      return this.fromHttpException(exception, request, base);
    }
    const errorId = newId();
    return { ...base(CommonErrors.internal, `An internal error occurred. Quote errorId ${errorId} when reporting it.`), errorId };
  }

  private fromHttpException(
    exception: HttpException,
    request: FastifyRequest,
    base: (error: DefinedError, detail: string) => Problem,
  ): Problem {
    const status = exception.getStatus();
    const cause = exception.cause as { code?: string } | undefined;
    const fastifyError = cause?.code ? FASTIFY_ERRORS[cause.code] : undefined;
    if (fastifyError) return base(fastifyError, this.fastifyDetail(fastifyError, exception));
    if (exception instanceof NotFoundException) {
      return base(CommonErrors['route.not_found'], `No route matches ${request.method} ${request.url.split('?')[0]}.`);
    }
    const error = STATUS_ERRORS[status] ?? { ...CommonErrors['request.invalid'], status };
    const message = exception.message && exception.message !== 'Http Exception' ? exception.message : error.title;
    return base(error, status === 401 ? 'A valid access token or API token is required.' : message);
  }

  private fastifyDetail(error: DefinedError, exception: HttpException): string {
    switch (error.code) {
      case 'request.payload_too_large':
        return 'The request body exceeds the size limit.';
      case 'request.unsupported_media_type':
        return 'Send request bodies as application/json.';
      default: {
        // The parser's message can quote the body ("Unexpected token ..., "{"value": ..." is not
        // valid JSON"), and bodies carry passwords and secret values: say where, never what.
        const position = /\bposition (\d+)/.exec(String((exception.cause as Error | undefined)?.message ?? exception.message));
        return position ? `The request body is not valid JSON (at position ${position[1]}).` : 'The request body is not valid JSON.';
      }
    }
  }
}
