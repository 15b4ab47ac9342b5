import * as fc from 'fast-check';
import { classifyAddress } from './address.classifier';
import { checkSourceUrl } from './source-url.checker';

/** IPv4 addresses no node agent may be sent to: loopback, private, link-local (metadata), CGNAT, multicast, unspecified. */
const forbiddenIpv4 = fc.oneof(
  fc.tuple(fc.constant(0), fc.nat(255), fc.nat(255), fc.nat(255)),
  fc.tuple(fc.constant(10), fc.nat(255), fc.nat(255), fc.nat(255)),
  fc.tuple(fc.constant(127), fc.nat(255), fc.nat(255), fc.nat(255)),
  fc.tuple(fc.constant(169), fc.constant(254), fc.nat(255), fc.nat(255)),
  fc.tuple(fc.constant(172), fc.integer({ min: 16, max: 31 }), fc.nat(255), fc.nat(255)),
  fc.tuple(fc.constant(192), fc.constant(168), fc.nat(255), fc.nat(255)),
  fc.tuple(fc.constant(100), fc.integer({ min: 64, max: 127 }), fc.nat(255), fc.nat(255)),
  fc.tuple(fc.integer({ min: 224, max: 239 }), fc.nat(255), fc.nat(255), fc.nat(255)),
);

const toNumber = (octets: number[]) => ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;

/** Every way WHATWG URL parsing accepts to write one IPv4 host. */
function spellings(octets: number[]): string[] {
  const value = toNumber(octets);
  return [
    octets.join('.'),
    `${octets.join('.')}.`,
    String(value),
    `0x${value.toString(16)}`,
    `0${value.toString(8)}`,
    octets.map((octet) => `0x${octet.toString(16)}`).join('.'),
    octets.map((octet) => `0${octet.toString(8)}`).join('.'),
    `${octets[0]}.${(value & 0xffffff) >>> 0}`,
    `[::ffff:${octets.join('.')}]`,
    `[::ffff:${((value >>> 16) & 0xffff).toString(16)}:${(value & 0xffff).toString(16)}]`,
  ];
}

const publicIpv4 = fc.ipV4().filter((ip) => classifyAddress(ip) === 'public');
const publicIpv6 = fc.ipV6().filter((ip) => classifyAddress(ip) === 'public');
const forbiddenIpv6 = fc.constantFrom('::1', '::', 'fe80::1', 'fd00:ec2::254', 'fc00::7', 'ff02::1', '::ffff:127.0.0.1', '::ffff:a9fe:a9fe', '64:ff9b::a00:1');

describe('checkSourceUrl properties', () => {
  it('refuses a forbidden IPv4 address however the URL spells it', async () => {
    await fc.assert(
      fc.asyncProperty(forbiddenIpv4, fc.nat(9), async (octets, form) => {
        const host = spellings(octets)[form];
        const result = await checkSourceUrl(`http://${host}/disk.img`, async () => ['93.184.215.14']);
        expect(result).toMatchObject({ ok: false, code: 'volume.source_url_address_forbidden' });
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a name if any one of its A/AAAA records is not public', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(publicIpv4, publicIpv6), { maxLength: 4 }),
        fc.oneof(forbiddenIpv4.map((octets) => octets.join('.')), forbiddenIpv6),
        fc.nat(),
        async (publicRecords, forbidden, at) => {
          const records = [...publicRecords];
          records.splice(at % (records.length + 1), 0, forbidden);
          const result = await checkSourceUrl('https://downloads.example.com/disk.img', async () => records);
          expect(result).toMatchObject({ ok: false, code: 'volume.source_url_address_forbidden' });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('accepts a name whose records are all public and hands back exactly those addresses', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.oneof(publicIpv4, publicIpv6), { minLength: 1, maxLength: 4 }), async (records) => {
        const result = await checkSourceUrl('https://downloads.example.com/disk.img', async () => records);
        expect(result).toMatchObject({ ok: true, addresses: records });
      }),
      { numRuns: 200 },
    );
  });

  it('never accepts a URL with credentials or another scheme', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.webUrl({ withQueryParameters: true, withFragments: true }),
        fc.constantFrom('ftp:', 'file:', 'gopher:', 'ws:', 'dict:', 'ldap:'),
        async (url, scheme) => {
          const withUser = url.replace('://', '://user:pw@');
          expect((await checkSourceUrl(withUser, async () => ['93.184.215.14'])).ok).toBe(false);
          expect((await checkSourceUrl(url.replace(/^https?:/, scheme), async () => ['93.184.215.14'])).ok).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });
});
