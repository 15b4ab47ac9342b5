export const SECRET_ENVELOPE_ERROR_CODES = [
  'secret.decryption_failed',
  'secret.unknown_master_key',
  'secret.malformed_envelope',
  'secret.invalid_keyring',
] as const;

export type SecretEnvelopeErrorCode = (typeof SECRET_ENVELOPE_ERROR_CODES)[number];

/**
 * Raised by sealing, opening and keyring validation. Messages name key ids
 * and field names at most: never plaintext, data keys or master key material.
 */
export class SecretEnvelopeError extends Error {
  constructor(
    readonly code: SecretEnvelopeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SecretEnvelopeError';
  }
}
