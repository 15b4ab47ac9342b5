import * as fc from 'fast-check';
import { isIPv4, isIPv6 } from 'node:net';
import { formatIpv4, parseIpv4, parseIpv6 } from './ip-address.parser';

/** RFC 5952 text of eight groups, as WHATWG URL serialises IPv6 hosts. */
function canonicalIpv6(groups: number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

describe('parseIpv4', () => {
  it.each([
    ['0.0.0.0', 0],
    ['127.0.0.1', 0x7f000001],
    ['255.255.255.255', 0xffffffff],
    ['93.184.215.14', 0x5db8d70e],
  ])('reads %s', (text, value) => {
    expect(parseIpv4(text)).toBe(value);
  });

  it.each([
    '', '1.2.3', '1.2.3.4.5', '256.0.0.1', '01.2.3.4', '0x7f.0.0.1', '1.2.3.4 ',
    '+1.2.3.4', '1..2.3', '١.٢.٣.٤'
  ])(
    'refuses the ambiguous or malformed %j',
    (text) => {
      expect(parseIpv4(text)).toBeNull();
    },
  );

  it('round-trips every dotted quad', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (value) => {
        expect(parseIpv4(formatIpv4(value))).toBe(value);
      }),
    );
  });

  it('accepts exactly what node:net accepts for canonical dotted quads', () => {
    fc.assert(
      fc.property(fc.ipV4(), (text) => {
        expect(parseIpv4(text) !== null).toBe(isIPv4(text));
      }),
    );
  });
});

describe('parseIpv6', () => {
  it.each([
    ['::', [0, 0, 0, 0, 0, 0, 0, 0]],
    ['::1', [0, 0, 0, 0, 0, 0, 0, 1]],
    ['1::', [1, 0, 0, 0, 0, 0, 0, 0]],
    ['::ffff:127.0.0.1', [0, 0, 0, 0, 0, 0xffff, 0x7f00, 1]],
    ['64:ff9b::10.0.0.1', [0x64, 0xff9b, 0, 0, 0, 0, 0x0a00, 1]],
    ['2001:DB8:0:0:1:0:0:1', [0x2001, 0xdb8, 0, 0, 1, 0, 0, 1]],
    ['1:2:3:4:5:6:7::', [1, 2, 3, 4, 5, 6, 7, 0]],
  ])('reads %s', (text, groups) => {
    expect(parseIpv6(text)).toEqual(groups);
  });

  it.each([
    '',
    '1.2.3.4',
    ':::',
    '1:::2',
    '1::2::3',
    ':1::',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8::',
    '12345::',
    'g::1',
    '::1.2.3',
    '::1.2.3.4:5',
    '::01.2.3.4',
    'fe80::1%eth0',
    '[::1]',
  ])('refuses %j', (text) => {
    expect(parseIpv6(text)).toBeNull();
  });

  it('agrees with node:net on every generated IPv6 form', () => {
    fc.assert(
      fc.property(fc.ipV6(), (text) => {
        expect(isIPv6(text)).toBe(true);
        expect(parseIpv6(text)).not.toBeNull();
      }),
    );
  });

  it('reads the same groups WHATWG URL parsing does', () => {
    fc.assert(
      fc.property(fc.ipV6(), (text) => {
        const groups = parseIpv6(text)!;
        expect(new URL(`http://[${text}]/`).hostname).toBe(`[${canonicalIpv6(groups)}]`);
      }),
    );
  });

  it('refuses mutated text exactly when node:net does', () => {
    const mutated = fc
      .tuple(fc.ipV6(), fc.nat(), fc.constantFrom(':', '::', '.', 'g', '1', '0000', ''))
      .map(([text, at, insert]) => {
        const position = at % (text.length + 1);
        return text.slice(0, position) + insert + text.slice(position + 1);
      });
    fc.assert(
      fc.property(mutated, (text) => {
        expect(parseIpv6(text) !== null).toBe(isIPv6(text) && !text.includes('%'));
      }),
    );
  });
});
