/**
 * A single resource together with its version. Controllers return it from
 * GET/PATCH routes; the ETag interceptor sends the body and an `ETag` header
 * derived from the version. Every write to a versioned resource bumps its
 * version, so `If-Match` can be checked with a conditional update.
 */
export class Versioned<T> {
  constructor(
    readonly body: T,
    readonly version: number,
  ) {}
}

export function etagOf(version: number): string {
  return `"v${version}"`;
}

/**
 * The version an `If-Match` header asks for: a number, `'*'` (any), undefined
 * (no header), or null (a tag this API never issued, which can never match).
 */
export function parseIfMatch(header: string | string[] | undefined): number | '*' | null | undefined {
  if (header === undefined) return undefined;
  const value = (Array.isArray(header) ? header[0] : header).trim();
  if (value === '*') return '*';
  const match = /^(?:W\/)?"v(\d{1,10})"$/.exec(value);
  return match ? Number(match[1]) : null;
}
