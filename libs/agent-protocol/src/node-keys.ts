import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

/** Raw Ed25519 public keys are 32 bytes. */
const PUBLIC_KEY_BYTES = 32;

export class NodeKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NodeKeyError';
  }
}

/**
 * The one spelling of a node's public key on the wire and in the database:
 * the 32 raw bytes, base64url without padding (as in a JWK's `x`). One
 * spelling per key keeps the uniqueness of keys meaningful.
 */
export function encodePublicKey(key: KeyObject): string {
  if (key.asymmetricKeyType !== 'ed25519') throw new NodeKeyError('the key is not an Ed25519 key');
  const jwk = (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new NodeKeyError('the key has no public part');
  return jwk.x;
}

/**
 * Reads an Ed25519 public key given as its 32 raw bytes (base64url or
 * base64) or as a PEM `PUBLIC KEY`; returns its canonical encoding. Throws
 * NodeKeyError for anything else, other key types included.
 */
export function canonicalPublicKey(text: string): string {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN')) {
    let key: KeyObject;
    try {
      key = createPublicKey(trimmed);
    } catch {
      throw new NodeKeyError('the PEM block is not a public key');
    }
    return encodePublicKey(key);
  }
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) throw new NodeKeyError('the key is neither base64 nor PEM');
  const bytes = Buffer.from(trimmed.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''), 'base64url');
  if (bytes.length !== PUBLIC_KEY_BYTES) throw new NodeKeyError(`an Ed25519 public key is ${PUBLIC_KEY_BYTES} bytes, not ${bytes.length}`);
  return bytes.toString('base64url');
}

/** The KeyObject of a canonical public key. */
export function publicKeyObject(canonical: string): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: canonical }, format: 'jwk' });
}

/** A fresh node key pair; the private key as PKCS#8 PEM, which is how agents store it. */
export function generateNodeKey(): { privateKeyPem: string; publicKey: string } {
  const { privateKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKey: encodePublicKey(privateKey),
  };
}

/** Loads a PKCS#8 PEM private key and checks it is Ed25519. */
export function loadPrivateKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new NodeKeyError('the file does not hold a PEM private key');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new NodeKeyError('the private key is not an Ed25519 key');
  return key;
}
