import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SecretEnvelopeError } from './envelope.errors';
import { MasterKeyring } from './master-keyring';

/**
 * Envelope encryption of account secrets: every secret gets its own random
 * 256-bit data key, which encrypts the value with AES-256-GCM; the data key is
 * then encrypted ("wrapped") with the active master key, also AES-256-GCM.
 * Rotating a master key therefore means rewrapping 32-byte data keys, never
 * re-encrypting values — and a leaked row is useless without the master key.
 *
 * Every binary field is a Buffer, stored as-is in a bytea column (Prisma
 * `Bytes`); anything that accepts a Uint8Array reads them back. The algorithm is
 * fixed (AES-256-GCM, 12-byte IV, 16-byte tag); a future change would add an
 * algorithm column rather than reinterpret these.
 */
export interface SealedSecret {
  /** Id of the master key that wrapped `wrappedKey`. */
  keyId: string;
  /** The 32-byte data key, encrypted under the master key. */
  wrappedKey: Buffer;
  wrapIv: Buffer;
  wrapTag: Buffer;
  /** IV and tag of the value's own encryption under the data key. */
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

/** A sealed secret as read back from storage, where bytes may be plain Uint8Arrays. */
export type StoredSealedSecret = { keyId: string } & {
  readonly [Field in Exclude<keyof SealedSecret, 'keyId'>]: Uint8Array;
};

/**
 * Associated data that binds a ciphertext to its owner, e.g.
 * `${accountId}/${secretName}`: a row copied to another account or name does
 * not open. It is authenticated, not encrypted, and must be given again,
 * byte for byte, to open.
 */
export type AssociatedData = string | Uint8Array;

const ALGORITHM = 'aes-256-gcm';
const DATA_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function seal(plaintext: Uint8Array | string, keyring: MasterKeyring, aad: AssociatedData = ''): SealedSecret {
  const dataKey = randomBytes(DATA_KEY_BYTES);
  try {
    const value = encrypt(dataKey, toBytes(plaintext), toBytes(aad));
    const keyId = keyring.activeKeyId;
    const wrapped = encrypt(keyring.key(keyId), dataKey, wrapAad(keyId));
    return {
      keyId,
      wrappedKey: wrapped.ciphertext,
      wrapIv: wrapped.iv,
      wrapTag: wrapped.tag,
      iv: value.iv,
      tag: value.tag,
      ciphertext: value.ciphertext,
    };
  } finally {
    dataKey.fill(0);
  }
}

/**
 * Decrypts a sealed secret. Fails with `secret.unknown_master_key` when its
 * master key is not in the keyring, and with `secret.decryption_failed` —
 * deliberately the same error for every cause — when the wrong associated data
 * is given or any byte of the envelope has been changed.
 */
export function open(sealed: StoredSealedSecret, keyring: MasterKeyring, aad: AssociatedData = ''): Buffer {
  checkShape(sealed);
  const dataKey = unwrap(sealed, keyring);
  try {
    return decrypt(dataKey, sealed.iv, sealed.tag, sealed.ciphertext, toBytes(aad));
  } finally {
    dataKey.fill(0);
  }
}

/**
 * Moves a sealed secret under the keyring's active master key: the data key is
 * unwrapped and wrapped again with a fresh IV; `iv`, `tag` and `ciphertext`
 * are returned unchanged. This authenticates the wrapped key but not the
 * value, so it needs no associated data and can run over every row in bulk.
 */
export function rewrap(sealed: StoredSealedSecret, keyring: MasterKeyring): SealedSecret {
  checkShape(sealed);
  const dataKey = unwrap(sealed, keyring);
  try {
    const keyId = keyring.activeKeyId;
    const wrapped = encrypt(keyring.key(keyId), dataKey, wrapAad(keyId));
    return {
      keyId,
      wrappedKey: wrapped.ciphertext,
      wrapIv: wrapped.iv,
      wrapTag: wrapped.tag,
      iv: Buffer.from(sealed.iv),
      tag: Buffer.from(sealed.tag),
      ciphertext: Buffer.from(sealed.ciphertext),
    };
  } finally {
    dataKey.fill(0);
  }
}

function unwrap(sealed: StoredSealedSecret, keyring: MasterKeyring): Buffer {
  const masterKey = keyring.key(sealed.keyId);
  const dataKey = decrypt(masterKey, sealed.wrapIv, sealed.wrapTag, sealed.wrappedKey, wrapAad(sealed.keyId));
  if (dataKey.length !== DATA_KEY_BYTES) {
    dataKey.fill(0);
    throw new SecretEnvelopeError('secret.decryption_failed', 'the secret could not be decrypted');
  }
  return dataKey;
}

// The wrapped key is bound to the id of the key that wrapped it, so relabelling
// a row's keyId (say, to one an attacker controls) fails authentication.
function wrapAad(keyId: string): Buffer {
  return Buffer.from(`statemesh.secret.data-key.v1:${keyId}`, 'utf8');
}

function encrypt(key: Buffer, plaintext: Uint8Array, aad: Uint8Array): { iv: Buffer; tag: Buffer; ciphertext: Buffer } {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), ciphertext };
}

function decrypt(key: Buffer, iv: Uint8Array, tag: Uint8Array, ciphertext: Uint8Array, aad: Uint8Array): Buffer {
  try {
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    // OpenSSL's message says nothing useful and the cause must not be told apart.
    throw new SecretEnvelopeError('secret.decryption_failed', 'the secret could not be decrypted');
  }
}

function checkShape(sealed: StoredSealedSecret): void {
  const lengths: Array<[keyof StoredSealedSecret, number]> = [
    ['wrappedKey', DATA_KEY_BYTES],
    ['wrapIv', IV_BYTES],
    ['wrapTag', TAG_BYTES],
    ['iv', IV_BYTES],
    ['tag', TAG_BYTES],
  ];
  if (typeof sealed?.keyId !== 'string') {
    throw malformed('the sealed secret has no master key id');
  }
  for (const [field, length] of lengths) {
    const value = sealed[field];
    if (!(value instanceof Uint8Array) || value.length !== length) {
      throw malformed(`the sealed secret's ${field} must be ${length} bytes`);
    }
  }
  if (!(sealed.ciphertext instanceof Uint8Array)) {
    throw malformed("the sealed secret's ciphertext must be bytes");
  }
}

function malformed(message: string): SecretEnvelopeError {
  return new SecretEnvelopeError('secret.malformed_envelope', message);
}

function toBytes(text: string | Uint8Array): Uint8Array {
  return typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
}
