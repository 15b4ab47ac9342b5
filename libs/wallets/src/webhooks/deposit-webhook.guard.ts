import { Injectable, type CanActivate, type ExecutionContext, type RawBodyRequest } from '@nestjs/common';
import { DomainError } from '@statemesh/common';
import { AppConfig } from '@statemesh/config';
import type { FastifyRequest } from 'fastify';
import { WalletErrors } from '../wallets.errors';
import { SIGNATURE_HEADER, verifyWebhookSignature } from './webhook-signature';

const DETAILS = {
  missing: `The ${SIGNATURE_HEADER} header is missing.`,
  malformed: `The ${SIGNATURE_HEADER} header is not of the form t=<unix seconds>,v1=<hex>.`,
  mismatch: 'The signature does not match the body.',
} as const;

/**
 * Authenticates the payment provider's deposit webhook by the HMAC over the
 * raw request bytes (kept by the API app's `rawBody` option), before the body
 * is parsed into a DTO or trusted in any way.
 */
@Injectable()
export class DepositWebhookGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<RawBodyRequest<FastifyRequest>>();
    const verdict = verifyWebhookSignature({
      header: request.headers[SIGNATURE_HEADER],
      rawBody: request.rawBody,
      secret: this.config.billing.depositWebhookSecret,
      toleranceSeconds: this.config.billing.depositWebhookToleranceSeconds,
    });
    if (verdict.valid) return true;
    if (verdict.reason === 'stale') {
      throw new DomainError(
        WalletErrors['webhook.stale_timestamp'],
        `The signed timestamp is more than ${this.config.billing.depositWebhookToleranceSeconds} s from now.`,
      );
    }
    throw new DomainError(WalletErrors['webhook.invalid_signature'], DETAILS[verdict.reason]);
  }
}
