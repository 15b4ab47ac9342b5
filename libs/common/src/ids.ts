import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
const TIME_CHARS = 9;
const RANDOM_CHARS = 9;

/**
 * A 18-character lowercase `[0-9a-z]` identifier: 9 characters of millisecond
 * time then 9 random ones, so ids sort by creation time (stable cursor order)
 * and are safe inside DNS labels (VM ids appear in entrypoint names).
 */
export function newId(now: number = Date.now()): string {
  const time = now.toString(36).padStart(TIME_CHARS, '0');
  const bytes = randomBytes(RANDOM_CHARS);
  let random = '';
  for (const byte of bytes) random += ALPHABET[byte % ALPHABET.length];
  return time + random;
}

export function isId(value: string): boolean {
  return /^[0-9a-z]{18}$/.test(value);
}
