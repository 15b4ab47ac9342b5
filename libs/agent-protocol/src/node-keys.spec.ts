import { generateKeyPairSync } from 'node:crypto';
import { NodeKeyError, canonicalPublicKey, encodePublicKey, generateNodeKey, loadPrivateKey } from './node-keys';
import { signSessionChallenge, verifySessionSignature } from './session-signing';

describe('node keys', () => {
  it('spells a key one way whether given raw (base64url or base64) or as PEM', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const canonical = encodePublicKey(publicKey);
    const raw = Buffer.from(canonical, 'base64url');
    expect(canonical).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(canonicalPublicKey(canonical)).toBe(canonical);
    expect(canonicalPublicKey(raw.toString('base64'))).toBe(canonical);
    expect(canonicalPublicKey(publicKey.export({ format: 'pem', type: 'spki' }).toString())).toBe(canonical);
  });

  it('refuses other key types and lengths', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(() => canonicalPublicKey(rsa)).toThrow(NodeKeyError);
    expect(() => canonicalPublicKey(Buffer.alloc(31).toString('base64url'))).toThrow('32 bytes');
    expect(() => canonicalPublicKey('not a key!')).toThrow(NodeKeyError);
    expect(() => loadPrivateKey('garbage')).toThrow(NodeKeyError);
  });

  it('round-trips a generated key through its PEM file form', () => {
    const generated = generateNodeKey();
    expect(encodePublicKey(loadPrivateKey(generated.privateKeyPem))).toBe(generated.publicKey);
  });
});

describe('session signatures', () => {
  const key = generateNodeKey();
  const privateKey = loadPrivateKey(key.privateKeyPem);

  it('verifies the node’s own signature of its nonce', () => {
    const signature = signSessionChallenge(privateKey, 'node-a', 'nonce-1');
    expect(verifySessionSignature(key.publicKey, 'node-a', 'nonce-1', signature)).toBe(true);
  });

  it('binds the signature to the node, the nonce and the key', () => {
    const signature = signSessionChallenge(privateKey, 'node-a', 'nonce-1');
    const other = generateNodeKey();
    expect(verifySessionSignature(key.publicKey, 'node-b', 'nonce-1', signature)).toBe(false);
    expect(verifySessionSignature(key.publicKey, 'node-a', 'nonce-2', signature)).toBe(false);
    expect(verifySessionSignature(other.publicKey, 'node-a', 'nonce-1', signature)).toBe(false);
    expect(verifySessionSignature(key.publicKey, 'node-a', 'nonce-1', 'AAAA')).toBe(false);
  });
});
