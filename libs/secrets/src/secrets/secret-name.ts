/**
 * Secret names: 1-64 lowercase letters, digits, ".", "_" and "-", starting
 * and ending with a letter or digit (`db-password`, `stripe.api_key`). They
 * sit in URL paths and template references as they are, so they need no
 * escaping anywhere, and lowercase-only means two names never differ by case.
 */
export const SECRET_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/;

export const SECRET_NAME_RULE = '1-64 lowercase letters, digits, ".", "_" or "-", starting and ending with a letter or digit';

export function isSecretName(name: string): boolean {
  return SECRET_NAME_PATTERN.test(name);
}

/** Largest secret value, in UTF-8 bytes. */
export const MAX_SECRET_VALUE_BYTES = 64 * 1024;
