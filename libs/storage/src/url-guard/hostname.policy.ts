/**
 * Name-based refusals. Resolved addresses are what really protect the
 * platform, but the node agent resolves the name again later with its own
 * resolver, /etc/hosts and search domains; names that only ever mean "this
 * machine" or "this private network" are refused outright so that a
 * difference between the two resolutions cannot reach them.
 */

export type HostnameVerdict = { ok: true } | { ok: false; invalid: boolean; reason: string };

// Google's metadata server answers to a name under a public TLD as well as to
// metadata.google.internal (which the .internal rule covers).
const METADATA_NAMES = new Set(['metadata.goog']);

// Top-level domains that never lead to a public server: RFC 6761 (localhost,
// test, invalid, example), RFC 6762 (local), RFC 7686 (onion), RFC 9476 (alt),
// ICANN's private-use .internal, .arpa (reverse DNS and RFC 8375 home.arpa),
// and the de facto private suffixes home and office networks resolve locally.
const PRIVATE_TLDS = new Set([
  'localhost',
  'local',
  'localdomain',
  'internal',
  'intranet',
  'private',
  'corp',
  'home',
  'lan',
  'arpa',
  'test',
  'invalid',
  'example',
  'onion',
  'alt',
  'svc',
]);

const LABEL = /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/;
const MAX_HOSTNAME_LENGTH = 253;

/**
 * Judges a WHATWG-normalised host name (lowercase, IDNA-mapped to punycode)
 * whose single trailing dot, if any, has already been removed.
 */
export function checkHostname(hostname: string): HostnameVerdict {
  if (hostname.length === 0 || hostname.length > MAX_HOSTNAME_LENGTH) {
    return { ok: false, invalid: true, reason: 'the host name is empty or longer than 253 characters' };
  }
  const labels = hostname.split('.');
  if (!labels.every((label) => LABEL.test(label))) {
    return { ok: false, invalid: true, reason: `"${hostname}" is not a valid DNS host name` };
  }
  // A single label would be completed by the fetching machine's search domains.
  if (labels.length === 1) {
    return { ok: false, invalid: false, reason: `"${hostname}" is a single-label name, not a public host name` };
  }
  if (METADATA_NAMES.has(hostname)) {
    return { ok: false, invalid: false, reason: `"${hostname}" is a cloud metadata service` };
  }
  const tld = labels[labels.length - 1];
  if (PRIVATE_TLDS.has(tld)) {
    return { ok: false, invalid: false, reason: `"${hostname}" is under ".${tld}", which never names a public server` };
  }
  return { ok: true };
}
