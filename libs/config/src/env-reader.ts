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
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== bytes) {
      this.problems.push(`${name} must be ${bytes} bytes, base64-encoded`);
      return Buffer.alloc(bytes);
    }
    return key;
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
