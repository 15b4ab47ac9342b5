import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures, in the scheme payment providers commonly use:
 *
 *     StateMesh-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
 *
 * The timestamp is signed with the body, so an old delivery cannot be made to
 * look fresh, and a delivery older than the tolerance is refused. Several
 * `v1` values may be sent (a provider rolling its secret signs with both);
 * one match suffices. Unknown keys are ignored, for schemes yet to come.
 */
export const SIGNATURE_HEADER = 'statemesh-signature';

export type SignatureVerdict =
  | { valid: true; timestamp: number }
  | { valid: false; reason: 'missing' | 'malformed' | 'mismatch' | 'stale' };

const HMAC_BYTES = 32;

export function computeSignature(secret: string, timestamp: number, rawBody: Buffer | string): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

/** The header value for a body signed now (or at `timestamp`): what a provider, or a test, sends. */
export function signWebhook(secret: string, rawBody: Buffer | string, timestamp: number = Math.floor(Date.now() / 1000)): string {
  return `t=${timestamp},v1=${computeSignature(secret, timestamp, rawBody)}`;
}

export function parseSignatureHeader(header: string): { timestamp: number; signatures: string[] } | null {
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const separator = part.indexOf('=');
    if (separator <= 0) return null;
    const key = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (key === 't') {
      if (timestamp !== undefined || !/^[0-9]{1,12}$/.test(value)) return null;
      timestamp = Number(value);
    } else if (key === 'v1') {
      signatures.push(value);
    }
  }
  return timestamp === undefined || signatures.length === 0 ? null : { timestamp, signatures };
}

/**
 * Checks a delivery: the signature over its exact bytes (compared in constant
 * time), then the age of its timestamp, in either direction, against the
 * tolerance. Nothing in the body is trusted before this says valid.
 */
export function verifyWebhookSignature(input: {
  header: string | string[] | undefined;
  rawBody: Buffer | undefined;
  secret: string;
  toleranceSeconds: number;
  nowSeconds?: number;
}): SignatureVerdict {
  const { header, rawBody, secret, toleranceSeconds } = input;
  if (typeof header !== 'string' || header === '') return { valid: false, reason: 'missing' };
  if (rawBody === undefined) return { valid: false, reason: 'malformed' };
  const parsed = parseSignatureHeader(header);
  if (!parsed) return { valid: false, reason: 'malformed' };
  const expected = Buffer.from(computeSignature(secret, parsed.timestamp, rawBody), 'hex');
  let matched = false;
  for (const candidate of parsed.signatures) {
    const given = /^[0-9a-fA-F]+$/.test(candidate) ? Buffer.from(candidate, 'hex') : Buffer.alloc(0);
    // Length is public (always 32 bytes); only equal-length values reach the constant-time compare.
    if (given.length === HMAC_BYTES && timingSafeEqual(given, expected)) matched = true;
  }
  if (!matched) return { valid: false, reason: 'mismatch' };
  const now = input.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - parsed.timestamp) > toleranceSeconds) return { valid: false, reason: 'stale' };
  return { valid: true, timestamp: parsed.timestamp };
}
