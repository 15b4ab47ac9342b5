/**
 * Reads environment variables, collecting every problem instead of stopping at
 * the first, so a misconfigured process can say everything that is wrong at once.
 */
export class EnvReader {
  readonly problems: string[] = [];

  constructor(
    private readonly env: Record<string, string | undefined>,
    private readonly production: boolean,
  ) {}

  string(name: string, fallback: string): string {
    const value = this.env[name];
    return value === undefined || value === '' ? fallback : value;
  }

  /** A value that has a default for local development but must be set in production. */
  secret(name: string, developmentDefault: string, minLength: number): string {
    const value = this.env[name];
    if (value === undefined || value === '') {
      if (this.production) {
        this.problems.push(`${name} is required when NODE_ENV=production`);
      }
      return developmentDefault;
    }
    if (value.length < minLength) this.problems.push(`${name} must be at least ${minLength} characters`);
    return value;
  }

  integer(name: string, fallback: number, min: number, max: number = Number.MAX_SAFE_INTEGER): number {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  }

  number(name: string, fallback: number, min: number, max: number): number {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > max) {
      this.problems.push(`${name} must be a number between ${min} and ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
      return fallback;
    }
    return raw as T;
  }

  url(name: string, fallback: string, protocols: readonly string[]): string {
    const value = this.string(name, fallback);
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) {
        this.problems.push(`${name} must be a ${protocols.join(' or ')} URL`);
      }
    } catch {
      this.problems.push(`${name} is not a valid URL`);
    }
    return value;
  }

  /** A base64-encoded key of exactly `bytes` bytes. */
  key(name: string, developmentDefault: string, bytes: number): Buffer {
    const encoded = this.secret(name, developmentDefault, 1);
    const key = decodeBase64(encoded.trim());
    if (key === null || key.length !== bytes) {
      this.problems.push(`${name} must be ${bytes} bytes, base64-encoded`);
      return Buffer.alloc(bytes);
    }
    return key;
  }

  /**
   * A list of `<id>:<base64>` keys of exactly `bytes` bytes, comma-separated
   * (empty when unset). Problems name an entry by its position, or by its id
   * once that is known to be well-formed, and never repeat the entry: a
   * mistyped one could put key material where the id should be.
   */
  keyList(name: string, bytes: number, idPattern: RegExp): Map<string, Buffer> {
    const keys = new Map<string, Buffer>();
    const raw = this.env[name];
    if (raw === undefined || raw.trim() === '') return keys;
    raw.split(',').forEach((rawEntry, index) => {
      const entry = rawEntry.trim();
      const separator = entry.indexOf(':');
      const id = separator === -1 ? '' : entry.slice(0, separator).trim();
      if (separator === -1 || !idPattern.test(id)) {
        this.problems.push(`${name} entry ${index + 1} is not of the form <keyId>:<base64> with a valid key id`);
        return;
      }
      if (keys.has(id)) {
        this.problems.push(`${name} lists key "${id}" twice`);
        return;
      }
      const key = decodeBase64(entry.slice(separator + 1).trim());
      if (key === null || key.length !== bytes) {
        this.problems.push(`${name} key "${id}" must be ${bytes} bytes, base64-encoded`);
        return;
      }
      keys.set(id, key);
    });
    return keys;
  }

  /**
   * A short identifier matching `pattern`, described for the error message.
   * The value is not repeated: key ids sit next to keys, and a swapped pair
   * must not print key material.
   */
  identifier(name: string, fallback: string, pattern: RegExp, description: string): string {
    const value = this.string(name, fallback);
    if (!pattern.test(value)) this.problems.push(`${name} must be ${description}`);
    return value;
  }

  email(name: string, fallback: string): string {
    const value = this.string(name, fallback);
    if (!/^[^\s@]+@[^\s@]+$/.test(value)) this.problems.push(`${name} must be an email address`);
    return value;
  }

  dnsName(name: string, fallback: string): string {
    const value = this.string(name, fallback).toLowerCase();
    const label = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
    if (value.length > 200 || !value.split('.').every((part) => label.test(part))) {
      this.problems.push(`${name} must be a DNS name (got "${value}")`);
    }
    return value;
  }
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

// Buffer.from(_, 'base64') skips characters it does not know: a typo in a key
// must be an error, not a different key.
function decodeBase64(encoded: string): Buffer | null {
  if (!BASE64.test(encoded)) return null;
  const decoded = Buffer.from(encoded, 'base64');
  const unpadded = (text: string) => text.replace(/=+$/, '');
  return unpadded(decoded.toString('base64')) === unpadded(encoded) ? decoded : null;
}
