import { parseIpv4, parseIpv6 } from './ip-address.parser';

/**
 * What an address is, for the purpose of deciding whether a node agent may be
 * sent to fetch from it. Only `public` is allowed; `invalid` means the text is
 * not an address this module can read unambiguously, and is refused like any
 * other non-public category.
 */
export type AddressCategory =
  | 'public'
  | 'invalid'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'cgnat'
  | 'link-local'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'documentation'
  | 'benchmarking'
  | 'unique-local'
  | 'site-local'
  | 'teredo';

interface Ipv4Range {
  base: number;
  prefix: number;
  category: Exclude<AddressCategory, 'public' | 'invalid'>;
}

// IANA IPv4 Special-Purpose Address Registry, minus the few globally reachable
// anycast blocks (AS112, AMT) that a download server could legitimately use.
// 0.0.0.0 is called out separately because Linux connects it to the local host.
const IPV4_SPECIAL_RANGES: readonly Ipv4Range[] = [
  range('0.0.0.0', 32, 'unspecified'),
  range('0.0.0.0', 8, 'reserved'),
  range('10.0.0.0', 8, 'private'),
  range('100.64.0.0', 10, 'cgnat'),
  range('127.0.0.0', 8, 'loopback'),
  range('169.254.0.0', 16, 'link-local'),
  range('172.16.0.0', 12, 'private'),
  range('192.0.0.0', 24, 'reserved'),
  range('192.0.2.0', 24, 'documentation'),
  range('192.88.99.0', 24, 'reserved'),
  range('192.168.0.0', 16, 'private'),
  range('198.18.0.0', 15, 'benchmarking'),
  range('198.51.100.0', 24, 'documentation'),
  range('203.0.113.0', 24, 'documentation'),
  range('224.0.0.0', 4, 'multicast'),
  range('255.255.255.255', 32, 'broadcast'),
  range('240.0.0.0', 4, 'reserved'),
];

function range(base: string, prefix: number, category: Ipv4Range['category']): Ipv4Range {
  return { base: parseIpv4(base)!, prefix, category };
}

function inIpv4Range(address: number, { base, prefix }: Ipv4Range): boolean {
  const shift = 32 - prefix;
  return address >>> shift === base >>> shift;
}

export function classifyIpv4(address: number): AddressCategory {
  for (const candidate of IPV4_SPECIAL_RANGES) {
    if (inIpv4Range(address, candidate)) return candidate.category;
  }
  return 'public';
}

/**
 * Classifies an IPv6 address given as eight 16-bit groups. Global unicast is
 * 2000::/3 only; everything outside it is reserved unless it carries an IPv4
 * address (mapped, compatible, translated, NAT64), in which case the embedded
 * address decides — a translator or dual-stack socket would connect to it.
 */
export function classifyIpv6(groups: readonly number[]): AddressCategory {
  const [g0, g1, g2, g3, g4, g5, g6, g7] = groups;
  const embedded = ((g6 << 16) | g7) >>> 0;
  const upperZero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0;

  if (upperZero && g4 === 0 && g5 === 0) {
    if (g6 === 0 && g7 === 0) return 'unspecified';
    if (g6 === 0 && g7 === 1) return 'loopback';
    // IPv4-compatible (::a.b.c.d) is deprecated; nothing legitimate uses it.
    return forbiddenOr(classifyIpv4(embedded), 'reserved');
  }
  if (upperZero && g4 === 0 && g5 === 0xffff) return classifyIpv4(embedded);
  // IPv4-translated (::ffff:0:a.b.c.d, RFC 2765) belongs to SIIT translators only.
  if (upperZero && g4 === 0xffff && g5 === 0) return forbiddenOr(classifyIpv4(embedded), 'reserved');
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) {
    return classifyIpv4(embedded);
  }
  if ((g0 & 0xff00) === 0xff00) return 'multicast';
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local';
  if ((g0 & 0xffc0) === 0xfec0) return 'site-local';
  if ((g0 & 0xfe00) === 0xfc00) return 'unique-local';
  // Outside global unicast: NAT64 local-use 64:ff9b:1::/48, discard-only
  // 100::/64, SRv6 5f00::/16 and every block the IETF has not allocated.
  if ((g0 & 0xe000) !== 0x2000) return 'reserved';

  if (g0 === 0x2001 && g1 === 0) return 'teredo';
  if (g0 === 0x2001 && g1 === 0x0db8) return 'documentation';
  if (g0 === 0x2001 && g1 === 0x0002 && g2 === 0) return 'benchmarking';
  // 2001::/23 holds IETF protocol assignments (ORCHID, AMT, ...), no web servers.
  if (g0 === 0x2001 && g1 < 0x0200) return 'reserved';
  if (g0 === 0x3fff && (g1 & 0xf000) === 0) return 'documentation';
  // 6to4 carries the IPv4 address of the site it tunnels to.
  if (g0 === 0x2002) return classifyIpv4(((g1 << 16) | g2) >>> 0);
  return 'public';
}

function forbiddenOr(category: AddressCategory, fallback: AddressCategory): AddressCategory {
  return category === 'public' ? fallback : category;
}

/**
 * Classifies an IP address as a resolver or a normalised URL reports it:
 * dotted-quad IPv4 or RFC 4291 IPv6, without brackets. A zone id is tolerated
 * for scoped addresses (which are refused anyway) but makes any other address
 * `invalid`, since a zone only means something for link-scoped traffic.
 */
export function classifyAddress(ip: string): AddressCategory {
  const v4 = parseIpv4(ip);
  if (v4 !== null) return classifyIpv4(v4);
  const zoneAt = ip.indexOf('%');
  const groups = parseIpv6(zoneAt === -1 ? ip : ip.slice(0, zoneAt));
  if (groups === null) return 'invalid';
  const category = classifyIpv6(groups);
  return zoneAt !== -1 && category === 'public' ? 'invalid' : category;
}

export function isPublicAddress(ip: string): boolean {
  return classifyAddress(ip) === 'public';
}
