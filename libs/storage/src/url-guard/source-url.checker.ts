import { classifyAddress } from './address.classifier';
import { checkHostname } from './hostname.policy';
import { parseIpv4 } from './ip-address.parser';

/**
 * Vets the URL a customer gives for "create a volume from an HTTP(S) URL".
 * The URL is fetched later by a node agent — a machine inside an operator's
 * network, next to its hypervisor, its metadata service and its neighbours —
 * so anything that does not lead to a public Internet server is refused.
 *
 * Policy decisions:
 * - Schemes: http and https only.
 * - Credentials in the URL are refused (they would be stored and logged with
 *   the volume; private sources belong in an `s3` volume with a secret).
 * - Ports: any port except 0 and the Fetch Standard's "bad ports" (SMTP, SSH,
 *   IRC, ...). Those are the ports browsers and Node's own fetch refuse to
 *   speak HTTP to, because doing so is how cross-protocol attacks work; every
 *   other port is as safe as 443 once the address is known to be public.
 * - Length: at most 2048 characters, before and after normalisation.
 * - IPv4 literals in decimal, octal, hex, shortened or percent-encoded form
 *   are normalised by WHATWG URL parsing (the same parser a fetch uses), then
 *   classified; IPv6 literals with a zone id do not parse and are refused.
 * - A name is refused if it resolves to nothing or if ANY of its addresses is
 *   not public: the agent may connect to whichever one it picks.
 *
 * What this cannot do alone: the agent resolves the name again when it
 * fetches, so a DNS answer that changes in between (rebinding) must be handled
 * there — connect only to the `addresses` returned here, or re-run this check
 * against the agent's own resolution, and do not follow redirects without
 * checking each new URL the same way.
 */

export const MAX_SOURCE_URL_LENGTH = 2048;

export const SOURCE_URL_REFUSAL_CODES = [
  'volume.source_url_too_long',
  'volume.source_url_invalid',
  'volume.source_url_scheme_not_allowed',
  'volume.source_url_credentials_not_allowed',
  'volume.source_url_port_not_allowed',
  'volume.source_url_host_forbidden',
  'volume.source_url_address_forbidden',
  'volume.source_url_unresolvable',
] as const;

export type SourceUrlRefusalCode = (typeof SOURCE_URL_REFUSAL_CODES)[number];

export type SourceUrlCheck =
  | {
      ok: true;
      /** The normalised URL the agent must fetch (`url.href`), never the original text. */
      url: URL;
      /** Every address the host resolved to, all public; the agent should connect only to these. */
      addresses: string[];
    }
  | { ok: false; code: SourceUrlRefusalCode; reason: string };

/** Resolves a host name to all of its IPv4 and IPv6 addresses, e.g. `dns.promises.lookup(name, { all: true })`. */
export type HostResolver = (hostname: string) => Promise<readonly string[]>;

// https://fetch.spec.whatwg.org/#bad-port, as enforced by Node's fetch (undici).
const BAD_PORTS = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109,
  110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530,
  531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190,
  5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

// WHATWG parsing silently drops tabs and newlines and trims spaces; a URL that
// needs that repair is not one a customer typed on purpose.
const CONTROL_OR_SPACE = /[\u0000-\u0020\u007f]/;

export async function checkSourceUrl(input: string, resolve: HostResolver): Promise<SourceUrlCheck> {
  const parsed = parseSourceUrl(input);
  if (!parsed.ok) return parsed;
  const { url, hostname } = parsed;

  const literal = literalAddress(hostname);
  if (literal !== null) {
    const category = classifyAddress(literal);
    if (category !== 'public') {
      return refuse('volume.source_url_address_forbidden', `${literal} is a ${category} address`);
    }
    return { ok: true, url, addresses: [literal] };
  }

  const verdict = checkHostname(hostname);
  if (!verdict.ok) {
    return refuse(verdict.invalid ? 'volume.source_url_invalid' : 'volume.source_url_host_forbidden', verdict.reason);
  }

  let resolved: readonly string[];
  try {
    resolved = await resolve(hostname);
  } catch {
    return refuse('volume.source_url_unresolvable', `"${hostname}" could not be resolved`);
  }
  const addresses = [...new Set(resolved)];
  if (addresses.length === 0) {
    return refuse('volume.source_url_unresolvable', `"${hostname}" has no addresses`);
  }
  for (const address of addresses) {
    const category = classifyAddress(address);
    if (category !== 'public') {
      const what = category === 'invalid' ? 'which is not an IP address' : `a ${category} address`;
      return refuse('volume.source_url_address_forbidden', `"${hostname}" resolves to ${address}, ${what}`);
    }
  }
  return { ok: true, url, addresses };
}

type SourceUrlRefusal = Extract<SourceUrlCheck, { ok: false }>;
type ParsedSourceUrl = { ok: true; url: URL; hostname: string } | SourceUrlRefusal;

/** Every check that needs no DNS: syntax, scheme, credentials, port, length. */
function parseSourceUrl(input: string): ParsedSourceUrl {
  if (typeof input !== 'string') return refuse('volume.source_url_invalid', 'the URL must be a string');
  if (input.length > MAX_SOURCE_URL_LENGTH) {
    return refuse('volume.source_url_too_long', `the URL is longer than ${MAX_SOURCE_URL_LENGTH} characters`);
  }
  if (CONTROL_OR_SPACE.test(input)) {
    return refuse('volume.source_url_invalid', 'the URL contains whitespace or control characters');
  }
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return refuse('volume.source_url_invalid', 'the URL cannot be parsed');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return refuse('volume.source_url_scheme_not_allowed', 'only http and https URLs can be imported');
  }
  // Never echo the userinfo: it is a credential.
  if (url.username !== '' || url.password !== '') {
    return refuse('volume.source_url_credentials_not_allowed', 'the URL must not contain a user name or password');
  }
  if (url.port !== '') {
    const port = Number(url.port);
    if (port === 0 || BAD_PORTS.has(port)) {
      return refuse('volume.source_url_port_not_allowed', `port ${port} is not allowed`);
    }
  }
  // One trailing dot is the same absolute name; dropping it keeps the name
  // rules simple and the Host header the one servers expect.
  if (url.hostname.endsWith('.') && !url.hostname.startsWith('[')) {
    url.hostname = url.hostname.slice(0, -1);
  }
  if (url.href.length > MAX_SOURCE_URL_LENGTH) {
    const reason = `the URL is longer than ${MAX_SOURCE_URL_LENGTH} characters once normalised`;
    return refuse('volume.source_url_too_long', reason);
  }
  return { ok: true, url, hostname: url.hostname };
}

/** The address a normalised host denotes when it is an IP literal rather than a name. */
function literalAddress(hostname: string): string | null {
  if (hostname.startsWith('[') && hostname.endsWith(']')) return hostname.slice(1, -1);
  // WHATWG has already rewritten every numeric IPv4 form to dotted decimal,
  // and fails any host ending in a number it cannot read as IPv4.
  if (parseIpv4(hostname) !== null) return hostname;
  return null;
}

function refuse(code: SourceUrlRefusalCode, reason: string): SourceUrlRefusal {
  return { ok: false, code, reason };
}
