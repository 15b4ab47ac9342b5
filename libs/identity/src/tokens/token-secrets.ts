import { createHash, randomBytes } from 'node:crypto';

export const API_TOKEN_PREFIX = 'smk_';
export const REFRESH_TOKEN_PREFIX = 'smr_';

/** A high-entropy bearer secret, recognisable by its prefix (secret scanners can match it). */
export function generateSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/**
 * Secrets are 256-bit random values, so a fast hash suffices: only the hash
 * is stored, and it is looked up directly.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
