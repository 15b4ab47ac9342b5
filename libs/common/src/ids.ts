import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
const TIME_CHARS = 9;
const RANDOM_CHARS = 9;

/** Random bytes are drawn from the kernel a pool at a time: one call per id costs more than the rest of the id. */
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let poolOffset = POOL_BYTES;
/** The largest multiple of the alphabet's size that fits a byte: bytes at or above it are skipped, so no character is likelier than another. */
const UNBIASED_LIMIT = 256 - (256 % ALPHABET.length);

function randomByte(): number {
  if (poolOffset === POOL_BYTES) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  return pool[poolOffset++];
}

/**
 * A 18-character lowercase `[0-9a-z]` identifier: 9 characters of millisecond
 * time then 9 random ones, so ids sort by creation time (stable cursor order)
 * and are safe inside DNS labels (VM ids appear in entrypoint names).
 */
export function newId(now: number = Date.now()): string {
  let id = now.toString(36).padStart(TIME_CHARS, '0');
  for (let chars = 0; chars < RANDOM_CHARS; ) {
    const byte = randomByte();
    if (byte >= UNBIASED_LIMIT) continue;
    id += ALPHABET[byte % ALPHABET.length];
    chars++;
  }
  return id;
}

export function isId(value: string): boolean {
  return /^[0-9a-z]{18}$/.test(value);
}
