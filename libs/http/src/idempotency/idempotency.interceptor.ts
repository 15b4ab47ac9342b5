import { CallHandler, ExecutionContext, HttpStatus, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { AppConfig } from '@statemesh/config';
import { CommonErrors, DomainError } from '@statemesh/common';
import { createHmac, hkdfSync } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Observable, from, of, throwError } from 'rxjs';
import { catchError, mergeMap } from 'rxjs/operators';
import { IdempotencyRepository } from './idempotency.repository';
import { RESPONSE_SEALER, type ResponseSealer } from './response-sealer';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** A first request that has not finished after this long is taken to have died. */
const IN_FLIGHT_TIMEOUT_MS = 60_000;

/** Stable JSON (sorted keys) so that the same body hashes the same however it was spelled. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as Record<string, unknown>)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * What tells a retry from a different request under the same key. Bodies carry
 * passwords and secret values, and a plain hash of one stored in the database
 * could be brute-forced offline; keyed with a server secret it cannot.
 */
export function requestFingerprint(key: Uint8Array, method: string, url: string, body: unknown): string {
  return createHmac('sha256', key).update(`${method} ${url}\n${canonicalJson(body)}`).digest('hex');
}

/**
 * The fingerprint key, derived from JWT_SECRET (a server secret that never
 * reaches the database). Changing JWT_SECRET makes retries of requests sent
 * before the change answer 422 rather than replay, for IDEMPOTENCY_TTL_HOURS.
 */
export function fingerprintKey(config: Pick<AppConfig, 'auth'>): Buffer {
  return Buffer.from(hkdfSync('sha256', config.auth.jwtSecret, '', 'statemesh.idempotency.request-fingerprint.v1', 32));
}

/** The status Nest will send for this route: its @HttpCode, else 201 for POST. */
function routeStatus(context: ExecutionContext): number {
  return (Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) as number | undefined) ?? HttpStatus.CREATED;
}

/**
 * `Idempotency-Key` on POST: the first request's successful response is
 * stored in PostgreSQL, encrypted (for IDEMPOTENCY_TTL_HOURS), and replayed byte for byte
 * to retries with the same key and body; the same key with another body is
 * 422. Failed requests are not stored, so a client may retry them. Keys are
 * scoped to the caller.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly fingerprintKey: Buffer;

  constructor(
    private readonly records: IdempotencyRepository,
    private readonly config: AppConfig,
    @Inject(RESPONSE_SEALER) private readonly sealer: ResponseSealer,
  ) {
    this.fingerprintKey = fingerprintKey(config);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const key = request.headers[IDEMPOTENCY_HEADER];
    if (request.method !== 'POST' || key === undefined) return next.handle();
    if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
      return throwError(
        () => new DomainError(CommonErrors['idempotency.invalid_key'], 'Idempotency-Key must be 1-255 printable ASCII characters.'),
      );
    }
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    // Anonymous callers (signup, login, webhooks) are told apart by address.
    const principal = request.principal?.key ?? `anonymous:${request.ip}`;
    const fingerprint = requestFingerprint(this.fingerprintKey, request.method, request.url, request.body);
    return from(this.begin(principal, key, request, fingerprint)).pipe(
      mergeMap((outcome) => {
        if (outcome.kind === 'replay') {
          reply.status(outcome.status).header('content-type', outcome.contentType).header('idempotent-replayed', 'true');
          return of(JSON.parse(this.sealer.open(outcome.body, `${principal}/${key}`)) as unknown);
        }
        return next.handle().pipe(
          mergeMap((result) =>
            from(
              this.records.complete(outcome.recordId, {
                status: routeStatus(context),
                body: this.sealer.seal(JSON.stringify(result ?? null), `${principal}/${key}`),
                contentType: 'application/json; charset=utf-8',
              }),
            ).pipe(mergeMap(() => of(result))),
          ),
          catchError((error) => from(this.records.release(outcome.recordId)).pipe(mergeMap(() => throwError(() => error)))),
        );
      }),
    );
  }

  /** Claims the key for this request, or finds the stored response to replay. */
  private async begin(
    principal: string,
    key: string,
    request: FastifyRequest,
    fingerprint: string,
  ): Promise<{ kind: 'claimed'; recordId: string } | { kind: 'replay'; status: number; body: string; contentType: string }> {
    const expiresAt = new Date(Date.now() + this.config.idempotency.ttlHours * 3_600_000);
    const entry = { principal, key, method: request.method, path: request.url, requestHash: fingerprint, expiresAt };
    for (let attempt = 0; attempt < 3; attempt++) {
      const recordId = await this.records.claim(entry);
      if (recordId) return { kind: 'claimed', recordId };
      const existing = await this.records.find(principal, key);
      if (!existing) continue;
      if (existing.expiresAt < new Date() || (existing.status === null && Date.now() - existing.createdAt.getTime() > IN_FLIGHT_TIMEOUT_MS)) {
        await this.records.removeStale(existing.id, new Date(Date.now() - IN_FLIGHT_TIMEOUT_MS));
        continue;
      }
      if (existing.requestHash !== fingerprint) {
        throw new DomainError(
          CommonErrors['idempotency.key_reused'],
          'This Idempotency-Key was used with a different request; use a new key for a new request.',
        );
      }
      if (existing.status === null || existing.responseBody === null) {
        throw new DomainError(CommonErrors['idempotency.in_progress'], 'The first request with this Idempotency-Key is still being processed; retry shortly.');
      }
      return {
        kind: 'replay',
        status: existing.status,
        body: existing.responseBody,
        contentType: existing.contentType ?? 'application/json; charset=utf-8',
      };
    }
    throw new DomainError(CommonErrors['idempotency.in_progress'], 'The Idempotency-Key is contended; retry shortly.');
  }
}
