import { createHash } from 'node:crypto';

import { VdfError } from './vdf.errors';

// Every hash in this module starts with a length-prefixed tag, so a digest
// computed for one purpose can never be replayed as the digest of another.

export function uint32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
}

export function uint64(value: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(value));
  return bytes;
}

export function lengthPrefixed(bytes: Uint8Array): Buffer {
  return Buffer.concat([uint32(bytes.length), bytes]);
}

export function taggedSha256(tag: string, ...parts: Uint8Array[]): Buffer {
  const hash = createHash('sha256').update(lengthPrefixed(Buffer.from(tag, 'utf8')));
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/**
 * Strict decoding: lowercase only, exact width. Accepting several spellings of
 * one value would let the same proof be stored twice under different strings.
 */
export function decodeHex(value: unknown, byteLength: number, what: string): Buffer {
  if (typeof value !== 'string' || value.length !== byteLength * 2 || !/^[0-9a-f]*$/.test(value)) {
    throw new VdfError('vdf.malformed', `${what} must be ${byteLength * 2} lowercase hex digits`);
  }
  return Buffer.from(value, 'hex');
}
