import { encodePublicKey, generateNodeKey, loadPrivateKey } from '@statemesh/agent-protocol';
import type { KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface NodeKey {
  privateKey: KeyObject;
  publicKey: string;
  /** Whether this call generated the key. */
  created: boolean;
}

/**
 * The node's Ed25519 key, kept in a PKCS#8 PEM file readable by its owner
 * only. Generated on first start; the same file must be used on every start
 * after, since the platform knows the node by its public key.
 */
export function loadOrCreateNodeKey(path: string): NodeKey {
  if (existsSync(path)) {
    const privateKey = loadPrivateKey(readFileSync(path, 'utf8'));
    return { privateKey, publicKey: encodePublicKey(privateKey), created: false };
  }
  const generated = generateNodeKey();
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, generated.privateKeyPem, { mode: 0o600, flag: 'wx' });
  return { privateKey: loadPrivateKey(generated.privateKeyPem), publicKey: generated.publicKey, created: true };
}

interface EnrollmentRecord {
  nodeId: string;
  apiUrl: string;
}

/** Where the agent remembers which node its key was registered as: beside the key. */
export function enrollmentPath(keyPath: string): string {
  return `${keyPath}.node.json`;
}

export function readEnrollment(keyPath: string): EnrollmentRecord | null {
  const path = enrollmentPath(keyPath);
  if (!existsSync(path)) return null;
  const record = JSON.parse(readFileSync(path, 'utf8')) as Partial<EnrollmentRecord>;
  return typeof record.nodeId === 'string' && typeof record.apiUrl === 'string' ? { nodeId: record.nodeId, apiUrl: record.apiUrl } : null;
}

export function writeEnrollment(keyPath: string, record: EnrollmentRecord): void {
  writeFileSync(enrollmentPath(keyPath), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
}
