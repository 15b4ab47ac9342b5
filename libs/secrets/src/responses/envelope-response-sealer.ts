import { Injectable } from '@nestjs/common';
import type { ResponseSealer } from '@statemesh/http';
import { MasterKeyring } from '../envelope/master-keyring';
import { open, seal } from '../envelope/secret-envelope';

const PREFIX = 'sealed:v1:';
const FIELDS = ['wrappedKey', 'wrapIv', 'wrapTag', 'iv', 'tag', 'ciphertext'] as const;

/**
 * Seals stored idempotent responses with the same envelope encryption as
 * account secrets, as one text value: `sealed:v1:<base64 of JSON>`. Records
 * live IDEMPOTENCY_TTL_HOURS, so a retired master key must stay configured
 * at least that long after a rotation.
 */
@Injectable()
export class EnvelopeResponseSealer implements ResponseSealer {
  constructor(private readonly keyring: MasterKeyring) {}

  seal(body: string, context: string): string {
    const sealed = seal(body, this.keyring, `statemesh.idempotency.v1:${context}`);
    const encoded: Record<string, string> = { keyId: sealed.keyId };
    for (const field of FIELDS) encoded[field] = sealed[field].toString('base64');
    return PREFIX + Buffer.from(JSON.stringify(encoded)).toString('base64');
  }

  open(stored: string, context: string): string {
    if (!stored.startsWith(PREFIX)) throw new Error('stored response is not sealed');
    const decoded = JSON.parse(Buffer.from(stored.slice(PREFIX.length), 'base64').toString('utf8')) as Record<string, string>;
    const fields = Object.fromEntries(FIELDS.map((field) => [field, Buffer.from(decoded[field], 'base64')])) as Record<(typeof FIELDS)[number], Buffer>;
    return open({ keyId: decoded.keyId, ...fields }, this.keyring, `statemesh.idempotency.v1:${context}`).toString('utf8');
  }
}
