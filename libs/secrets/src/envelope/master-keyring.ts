import { SecretEnvelopeError } from './envelope.errors';

export const MASTER_KEY_BYTES = 32;

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The master keys that wrap per-secret data keys, by key id. One of them is
 * active (wraps everything sealed from now on); the others remain only to open
 * and rewrap what was sealed before a rotation.
 *
 * Key material lives in a private field, so neither JSON.stringify nor
 * util.inspect (and so no logger) can print it.
 */
export class MasterKeyring {
  readonly #keys = new Map<string, Buffer>();

  constructor(
    keys: ReadonlyMap<string, Uint8Array> | Readonly<Record<string, Uint8Array>>,
    readonly activeKeyId: string,
  ) {
    const entries = keys instanceof Map ? [...keys.entries()] : Object.entries(keys);
    if (entries.length === 0) throw invalid('the keyring has no master keys');
    for (const [keyId, key] of entries) {
      if (!KEY_ID.test(keyId)) {
        throw invalid('master key ids must be 1-64 letters, digits, ".", "_" or "-"');
      }
      if (!(key instanceof Uint8Array) || key.length !== MASTER_KEY_BYTES) {
        throw invalid(`master key "${keyId}" must be exactly ${MASTER_KEY_BYTES} bytes`);
      }
      // A copy, so a caller zeroing or reusing its buffer cannot change the keyring.
      this.#keys.set(keyId, Buffer.from(key));
    }
    if (!this.#keys.has(activeKeyId)) {
      throw invalid(`the active master key "${activeKeyId}" is not in the keyring`);
    }
  }

  /**
   * Builds a keyring from configuration: `k1:<base64>,k2:<base64>` (32-byte
   * keys, standard base64, e.g. `openssl rand -base64 32`) and the id of the
   * key that wraps new secrets.
   */
  static fromConfig(config: string, activeKeyId: string): MasterKeyring {
    return new MasterKeyring(parseMasterKeys(config), activeKeyId);
  }

  get keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  has(keyId: string): boolean {
    return this.#keys.has(keyId);
  }

  /** The key material for `keyId`; for the envelope cipher only. */
  key(keyId: string): Buffer {
    const key = this.#keys.get(keyId);
    if (key === undefined) {
      throw new SecretEnvelopeError('secret.unknown_master_key', `master key "${keyId}" is not in the keyring`);
    }
    return key;
  }

  toJSON(): { activeKeyId: string; keyIds: string[] } {
    return { activeKeyId: this.activeKeyId, keyIds: this.keyIds };
  }
}

/**
 * Parses `k1:<base64>,k2:<base64>`. Whitespace around entries is ignored.
 * Errors point at an entry by its position, or by its id once the id is known
 * to be well-formed, and never repeat the entry: a mistyped entry (say, the
 * two halves swapped) could put key material where the id should be.
 */
export function parseMasterKeys(config: string): Map<string, Buffer> {
  if (config.trim() === '') throw invalid('the master keys setting is empty');
  const keys = new Map<string, Buffer>();
  config.split(',').forEach((rawEntry, index) => {
    const entry = rawEntry.trim();
    const separator = entry.indexOf(':');
    if (separator === -1) throw invalid(`master key entry ${index + 1} is not of the form <keyId>:<base64>`);
    const keyId = entry.slice(0, separator).trim();
    const encoded = entry.slice(separator + 1).trim();
    if (!KEY_ID.test(keyId)) {
      throw invalid(`master key entry ${index + 1} has an invalid id (1-64 letters, digits, ".", "_" or "-")`);
    }
    if (keys.has(keyId)) throw invalid(`master key "${keyId}" is listed twice`);
    const key = decodeBase64(encoded);
    if (key === null || key.length !== MASTER_KEY_BYTES) {
      throw invalid(`master key "${keyId}" must be ${MASTER_KEY_BYTES} bytes, base64-encoded`);
    }
    keys.set(keyId, key);
  });
  return keys;
}

// Buffer.from(_, 'base64') skips characters it does not know; a typo in a key
// must be an error, not a different key.
function decodeBase64(encoded: string): Buffer | null {
  if (!BASE64.test(encoded)) return null;
  const decoded = Buffer.from(encoded, 'base64');
  const unpadded = (text: string) => text.replace(/=+$/, '');
  return unpadded(decoded.toString('base64')) === unpadded(encoded) ? decoded : null;
}

function invalid(message: string): SecretEnvelopeError {
  return new SecretEnvelopeError('secret.invalid_keyring', message);
}
