import { sign, verify, type KeyObject } from 'node:crypto';
import { publicKeyObject } from './node-keys';

/**
 * What an agent signs to open a session: the nonce the API issued, bound to
 * the node and to this purpose, so that a signature made for anything else
 * (another node, another protocol using the same key) is never accepted.
 */
export function sessionSigningInput(nodeId: string, nonce: string): Buffer {
  return Buffer.from(`statemesh/agent-session/v1\n${nodeId}\n${nonce}`, 'utf8');
}

/** The agent's side: an Ed25519 signature of the signing input, base64url. */
export function signSessionChallenge(privateKey: KeyObject, nodeId: string, nonce: string): string {
  return sign(null, sessionSigningInput(nodeId, nonce), privateKey).toString('base64url');
}

/** The API's side: true only for a valid signature by the node's registered key. */
export function verifySessionSignature(publicKey: string, nodeId: string, nonce: string, signature: string): boolean {
  const bytes = Buffer.from(signature, 'base64url');
  if (bytes.length !== 64) return false;
  try {
    return verify(null, sessionSigningInput(nodeId, nonce), publicKeyObject(publicKey), bytes);
  } catch {
    return false;
  }
}
