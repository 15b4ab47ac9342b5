/**
 * Strict parsers for the textual forms an address takes once it has been
 * normalised (by WHATWG URL parsing or by a DNS resolver). Anything looser —
 * octal or hex parts, leading zeros, shortened IPv4 — is rejected here on
 * purpose: those forms are ambiguous between parsers, and an address the guard
 * cannot read unambiguously is an address it refuses.
 */

const IPV4_PART = '(0|[1-9][0-9]{0,2})';
const IPV4_DOTTED = new RegExp(`^${IPV4_PART}\\.${IPV4_PART}\\.${IPV4_PART}\\.${IPV4_PART}$`);
const IPV6_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** A dotted-quad IPv4 address as an unsigned 32-bit integer, or null. */
export function parseIpv4(text: string): number | null {
  const match = IPV4_DOTTED.exec(text);
  if (!match) return null;
  let value = 0;
  for (let i = 1; i <= 4; i++) {
    const part = Number(match[i]);
    if (part > 255) return null;
    value = value * 256 + part;
  }
  return value;
}

export function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff].join('.');
}

/**
 * An IPv6 address (RFC 4291 text form, with `::` compression and an optional
 * trailing dotted IPv4) as its eight 16-bit groups, or null. Zone ids are not
 * part of the address and are not accepted here.
 */
export function parseIpv6(text: string): number[] | null {
  if (!text.includes(':')) return null;
  let body = text;
  const lastColon = body.lastIndexOf(':');
  const tail = body.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = parseIpv4(tail);
    if (v4 === null) return null;
    body = `${body.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }

  const halves = body.split('::');
  if (halves.length > 2) return null;
  const head = splitGroups(halves[0]);
  const rest = halves.length === 2 ? splitGroups(halves[1]) : [];
  if (head === null || rest === null) return null;

  if (halves.length === 1) return head.length === 8 ? head : null;
  // `::` stands for at least one zero group.
  if (head.length + rest.length > 7) return null;
  return [...head, ...new Array<number>(8 - head.length - rest.length).fill(0), ...rest];
}

function splitGroups(text: string): number[] | null {
  if (text === '') return [];
  const groups: number[] = [];
  for (const group of text.split(':')) {
    if (!IPV6_GROUP.test(group)) return null;
    groups.push(parseInt(group, 16));
  }
  return groups;
}
