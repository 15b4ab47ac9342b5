import * as fc from 'fast-check';
import { checkSourceUrl, type HostResolver, type SourceUrlRefusalCode } from './source-url.checker';

const PUBLIC_V4 = '93.184.215.14';
const PUBLIC_V6 = '2606:2800:21f:cb07:6820:80da:af6b:8b2c';

/**
 * Answers a public address for any name it does not know, so a refusal in
 * these tests always comes from the guard itself and never from DNS failing.
 */
function fakeResolver(records: Record<string, readonly string[]> = {}): HostResolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (hostname: string) => {
    calls.push(hostname);
    if (hostname === 'nxdomain.example.net') throw Object.assign(new Error('queryA ENOTFOUND'), { code: 'ENOTFOUND' });
    return records[hostname] ?? [PUBLIC_V4, PUBLIC_V6];
  };
  return Object.assign(resolve, { calls });
}

const resolverRecords: Record<string, readonly string[]> = {
  '127.0.0.1.nip.io': ['127.0.0.1'],
  'rebind.example.net': [PUBLIC_V4, '10.0.0.7'],
  'mapped.example.net': ['::ffff:169.254.169.254'],
  'aaaa-only-loopback.example.net': ['::1'],
  'metadata-v6.example.net': ['fd00:ec2::254'],
  'empty.example.net': [],
  'garbage.example.net': ['not-an-address'],
  'octal-answer.example.net': ['0177.0.0.1'],
};

const SSRF_CORPUS: Array<[string, SourceUrlRefusalCode]> = [
  // loopback in every spelling WHATWG normalises
  ['http://127.0.0.1/', 'volume.source_url_address_forbidden'],
  ['http://127.0.0.1:8080/disk.img', 'volume.source_url_address_forbidden'],
  ['http://2130706433/', 'volume.source_url_address_forbidden'],
  ['http://0177.0.0.1/', 'volume.source_url_address_forbidden'],
  ['http://0x7f.1/', 'volume.source_url_address_forbidden'],
  ['http://127.1/', 'volume.source_url_address_forbidden'],
  ['http://0x7f.0.0.0x1/', 'volume.source_url_address_forbidden'],
  ['http://0X7F000001/', 'volume.source_url_address_forbidden'],
  ['http://017700000001/', 'volume.source_url_address_forbidden'],
  ['http://127.000.000.001/', 'volume.source_url_address_forbidden'],
  ['http://127.0.0.1./', 'volume.source_url_address_forbidden'],
  ['http://%31%32%37.0.0.1/', 'volume.source_url_address_forbidden'],
  ['http://127.0.0.1%2e/', 'volume.source_url_address_forbidden'],
  ['http://１２７.０.０.１/', 'volume.source_url_address_forbidden'],
  ['http://①②⑦.0.0.1/', 'volume.source_url_address_forbidden'],
  ['HTTP://127.0.0.1/', 'volume.source_url_address_forbidden'],
  ['hTtPs://127.0.0.1/', 'volume.source_url_address_forbidden'],
  ['http:/\\127.0.0.1/', 'volume.source_url_address_forbidden'],
  ['http://0/', 'volume.source_url_address_forbidden'],
  ['http://0.0.0.0:8080/', 'volume.source_url_address_forbidden'],
  // private, shared, link-local and cloud metadata
  ['http://10.0.0.1/', 'volume.source_url_address_forbidden'],
  ['http://172.16.0.1/', 'volume.source_url_address_forbidden'],
  ['http://172.31.255.255/', 'volume.source_url_address_forbidden'],
  ['http://192.168.1.1/', 'volume.source_url_address_forbidden'],
  ['http://0300.0250.0.1/', 'volume.source_url_address_forbidden'],
  ['http://100.64.0.1/', 'volume.source_url_address_forbidden'],
  ['http://100.100.100.200/latest/meta-data/', 'volume.source_url_address_forbidden'],
  ['http://169.254.169.254/latest/meta-data/iam/security-credentials/', 'volume.source_url_address_forbidden'],
  ['http://2852039166/', 'volume.source_url_address_forbidden'],
  ['http://0xa9.0xfe.0xa9.0xfe/', 'volume.source_url_address_forbidden'],
  ['http://192.0.0.192/opc/v2/instance/', 'volume.source_url_address_forbidden'],
  ['http://metadata.google.internal/computeMetadata/v1/', 'volume.source_url_host_forbidden'],
  ['http://metadata.google.internal./computeMetadata/v1/', 'volume.source_url_host_forbidden'],
  ['http://metadata.goog/computeMetadata/v1/', 'volume.source_url_host_forbidden'],
  ['http://metadata/computeMetadata/v1/', 'volume.source_url_host_forbidden'],
  // multicast, broadcast, reserved, documentation, benchmarking
  ['http://224.0.0.1/', 'volume.source_url_address_forbidden'],
  ['http://255.255.255.255/', 'volume.source_url_address_forbidden'],
  ['http://240.0.0.1/', 'volume.source_url_address_forbidden'],
  ['http://198.18.0.1/', 'volume.source_url_address_forbidden'],
  ['http://192.0.2.1/', 'volume.source_url_address_forbidden'],
  ['http://198.51.100.1/', 'volume.source_url_address_forbidden'],
  ['http://203.0.113.1/', 'volume.source_url_address_forbidden'],
  // IPv6 literals
  ['http://[::1]/', 'volume.source_url_address_forbidden'],
  ['http://[0:0:0:0:0:0:0:1]:8080/', 'volume.source_url_address_forbidden'],
  ['http://[::]/', 'volume.source_url_address_forbidden'],
  ['http://[::ffff:127.0.0.1]/', 'volume.source_url_address_forbidden'],
  ['http://[::ffff:7f00:1]/', 'volume.source_url_address_forbidden'],
  ['http://[0:0:0:0:0:ffff:169.254.169.254]/', 'volume.source_url_address_forbidden'],
  ['http://[::127.0.0.1]/', 'volume.source_url_address_forbidden'],
  ['http://[::ffff:0:10.0.0.1]/', 'volume.source_url_address_forbidden'],
  ['http://[64:ff9b::10.0.0.1]/', 'volume.source_url_address_forbidden'],
  ['http://[64:ff9b::a9fe:a9fe]/', 'volume.source_url_address_forbidden'],
  ['http://[2002:a9fe:a9fe::1]/', 'volume.source_url_address_forbidden'],
  ['http://[2002:7f00:1::]/', 'volume.source_url_address_forbidden'],
  ['http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', 'volume.source_url_address_forbidden'],
  ['http://[fe80::1]/', 'volume.source_url_address_forbidden'],
  ['http://[FE80::1]/', 'volume.source_url_address_forbidden'],
  ['http://[fe80::1%25eth0]/', 'volume.source_url_invalid'],
  ['http://[fe80::1%eth0]/', 'volume.source_url_invalid'],
  ['http://[fc00::1]/', 'volume.source_url_address_forbidden'],
  ['http://[fd00:ec2::254]/latest/meta-data/', 'volume.source_url_address_forbidden'],
  ['http://[fec0::1]/', 'volume.source_url_address_forbidden'],
  ['http://[ff02::1]/', 'volume.source_url_address_forbidden'],
  ['http://[2001:db8::1]/', 'volume.source_url_address_forbidden'],
  ['http://[100::1]/', 'volume.source_url_address_forbidden'],
  // names that mean "this machine" or "this network"
  ['http://localhost/', 'volume.source_url_host_forbidden'],
  ['http://LOCALHOST:8080/', 'volume.source_url_host_forbidden'],
  ['http://localhost./', 'volume.source_url_host_forbidden'],
  ['http://ⓛⓞⓒⓐⓛⓗⓞⓢⓣ/', 'volume.source_url_host_forbidden'],
  ['http://admin.localhost/', 'volume.source_url_host_forbidden'],
  ['http://vault.service.internal/', 'volume.source_url_host_forbidden'],
  ['http://printer.local/', 'volume.source_url_host_forbidden'],
  ['http://router.home.arpa/', 'volume.source_url_host_forbidden'],
  ['http://1.0.0.127.in-addr.arpa/', 'volume.source_url_host_forbidden'],
  ['http://kubernetes.default.svc/', 'volume.source_url_host_forbidden'],
  ['http://intranet/', 'volume.source_url_host_forbidden'],
  ['http://localhost../', 'volume.source_url_invalid'],
  // names whose DNS answers are not public
  ['http://127.0.0.1.nip.io/', 'volume.source_url_address_forbidden'],
  ['http://rebind.example.net/disk.img', 'volume.source_url_address_forbidden'],
  ['http://mapped.example.net/', 'volume.source_url_address_forbidden'],
  ['http://aaaa-only-loopback.example.net/', 'volume.source_url_address_forbidden'],
  ['http://metadata-v6.example.net/', 'volume.source_url_address_forbidden'],
  ['http://garbage.example.net/', 'volume.source_url_address_forbidden'],
  ['http://octal-answer.example.net/', 'volume.source_url_address_forbidden'],
  ['http://empty.example.net/', 'volume.source_url_unresolvable'],
  ['http://nxdomain.example.net/', 'volume.source_url_unresolvable'],
  // userinfo tricks and credentials
  ['http://evil.com@127.0.0.1/', 'volume.source_url_credentials_not_allowed'],
  ['http://127.0.0.1:80@evil.com/', 'volume.source_url_credentials_not_allowed'],
  ['http://user:secret@downloads.example.com/disk.img', 'volume.source_url_credentials_not_allowed'],
  ['https://:token@downloads.example.com/', 'volume.source_url_credentials_not_allowed'],
  // other schemes
  ['file:///etc/passwd', 'volume.source_url_scheme_not_allowed'],
  ['gopher://127.0.0.1:70/_GET', 'volume.source_url_scheme_not_allowed'],
  ['dict://127.0.0.1:11211/stats', 'volume.source_url_scheme_not_allowed'],
  ['ftp://downloads.example.com/disk.img', 'volume.source_url_scheme_not_allowed'],
  ['ws://downloads.example.com/', 'volume.source_url_scheme_not_allowed'],
  ['javascript:alert(1)', 'volume.source_url_scheme_not_allowed'],
  ['data:application/octet-stream;base64,AAAA', 'volume.source_url_scheme_not_allowed'],
  // ports
  ['http://downloads.example.com:22/', 'volume.source_url_port_not_allowed'],
  ['http://downloads.example.com:25/', 'volume.source_url_port_not_allowed'],
  ['http://downloads.example.com:6667/', 'volume.source_url_port_not_allowed'],
  ['http://downloads.example.com:0/', 'volume.source_url_port_not_allowed'],
  // malformed
  ['', 'volume.source_url_invalid'],
  ['not a url', 'volume.source_url_invalid'],
  ['//downloads.example.com/disk.img', 'volume.source_url_invalid'],
  ['http://1.2.3.4.5/', 'volume.source_url_invalid'],
  ['http://downloads.example.0x7f/', 'volume.source_url_invalid'],
  ['http://example.com%00.evil.net/', 'volume.source_url_invalid'],
  ['http://downloads.example.com:65536/', 'volume.source_url_invalid'],
  ['http://127.0.0.1\t/', 'volume.source_url_invalid'],
  [' http://127.0.0.1/', 'volume.source_url_invalid'],
  ['http://127.0.0.1/\n', 'volume.source_url_invalid'],
  ['http://a;b.example.net/', 'volume.source_url_invalid'],
  ['http://-leading.example.net/', 'volume.source_url_invalid'],
  [`http://downloads.example.com/${'a'.repeat(2048)}`, 'volume.source_url_too_long'],
];

describe('checkSourceUrl', () => {
  it('has a corpus of well over 40 SSRF attempts', () => {
    expect(SSRF_CORPUS.length).toBeGreaterThan(100);
  });

  it.each(SSRF_CORPUS)('refuses %s (%s)', async (url, code) => {
    const result = await checkSourceUrl(url, fakeResolver(resolverRecords));
    expect(result).toEqual({ ok: false, code, reason: expect.any(String) });
  });

  it.each<[string, string?]>([
    ['https://releases.ubuntu.com/24.04/ubuntu-24.04-live-server-amd64.iso'],
    ['https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img'],
    ['http://download.fedoraproject.org/pub/fedora/linux/releases/41/Cloud/x86_64/images/disk.qcow2'],
    ['https://bucket.s3.eu-west-1.amazonaws.com/disk.raw?X-Amz-Signature=abc&X-Amz-Expires=3600'],
    ['HTTPS://Downloads.Example.COM./images/disk.img', 'https://downloads.example.com/images/disk.img'],
    ['https://downloads.example.com:443/disk.img', 'https://downloads.example.com/disk.img'],
    ['http://downloads.example.com:8080/disk.img'],
    ['https://downloads.example.com:8443/disk.img'],
    ['https://minio.example.org:9000/images/disk.img'],
    ['https://bücher.de/disk.img', 'https://xn--bcher-kva.de/disk.img'],
    ['https://my_bucket.storage.example.org/disk.img'],
    ['http://1.1.1.1/disk.img'],
    ['http://16843009/disk.img', 'http://1.1.1.1/disk.img'],
    ['https://[2606:4700:4700::1111]/disk.img'],
    ['https://[::ffff:8.8.8.8]/disk.img', 'https://[::ffff:808:808]/disk.img'],
    // What a fetch would request, not what a naive reader sees:
    ['https://downloads.example.com/disk.img#@127.0.0.1'],
    ['https://downloads.example.com\\@127.0.0.1/', 'https://downloads.example.com/@127.0.0.1/'],
  ])('accepts %s', async (input, href = input) => {
    const result = await checkSourceUrl(input, fakeResolver());
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.url.href).toBe(href);
  });

  it('returns the resolved addresses so the agent can connect to exactly those', async () => {
    const resolve = fakeResolver({ 'downloads.example.com': [PUBLIC_V4, PUBLIC_V6, PUBLIC_V4] });
    const result = await checkSourceUrl('https://downloads.example.com./disk.img', resolve);
    expect(result).toEqual({ ok: true, url: expect.any(URL), addresses: [PUBLIC_V4, PUBLIC_V6] });
    expect(resolve.calls).toEqual(['downloads.example.com']);
  });

  it('does not consult DNS for IP literals or for refused names', async () => {
    const resolve = fakeResolver();
    await checkSourceUrl('http://8.8.8.8/', resolve);
    await checkSourceUrl('http://[2606:4700::1111]/', resolve);
    await checkSourceUrl('http://metadata.google.internal/', resolve);
    await checkSourceUrl('http://user:pw@downloads.example.com/', resolve);
    expect(resolve.calls).toEqual([]);
  });

  it('never repeats the credentials of a refused URL', async () => {
    const result = await checkSourceUrl('https://admin:hunter2@downloads.example.com/', fakeResolver());
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).not.toContain('hunter2');
  });

  it('accepts a URL of exactly 2048 characters', async () => {
    const prefix = 'https://downloads.example.com/';
    const url = prefix + 'a'.repeat(2048 - prefix.length);
    expect((await checkSourceUrl(url, fakeResolver())).ok).toBe(true);
  });

  it('refuses a URL that only grows past 2048 characters when normalised', async () => {
    const prefix = 'https://downloads.example.com/';
    const url = prefix + 'é'.repeat(2048 - prefix.length);
    expect(await checkSourceUrl(url, fakeResolver())).toMatchObject({ ok: false, code: 'volume.source_url_too_long' });
  });

  it('relies on WHATWG URL parsing to normalise IPv4 spellings', () => {
    // If the runtime ever stops doing this, the literal checks above need their own normaliser.
    const spellings = ['2130706433', '0177.0.0.1', '0x7f.1', '127.1', '0x7f.0.0.0x1', '%31%32%37.0.0.1', '127.0.0.1.'];
    for (const spelling of [...spellings, '１２７.０.０.１']) {
      expect(new URL(`http://${spelling}/`).hostname).toBe('127.0.0.1');
    }
    expect(new URL('http://[::ffff:127.0.0.1]/').hostname).toBe('[::ffff:7f00:1]');
    expect(() => new URL('http://[fe80::1%25eth0]/')).toThrow();
  });
});

// Forbidden IPv4 blocks, written out independently of the classifier's table.
const FORBIDDEN_V4_BLOCKS: Array<[number, number]> = [
  [0x00000000, 8],
  [0x0a000000, 8],
  [0x64400000, 10],
  [0x7f000000, 8],
  [0xa9fe0000, 16],
  [0xac100000, 12],
  [0xc0000000, 24],
  [0xc0000200, 24],
  [0xc0586300, 24],
  [0xc0a80000, 16],
  [0xc6120000, 15],
  [0xc6336400, 24],
  [0xcb007100, 24],
  [0xe0000000, 4],
  [0xf0000000, 4],
];

function inForbiddenBlock(address: number): boolean {
  return FORBIDDEN_V4_BLOCKS.some(([base, prefix]) => {
    const size = 2 ** (32 - prefix);
    return Math.floor(address / size) === Math.floor(base / size);
  });
}

const forbiddenV4 = fc
  .tuple(fc.constantFrom(...FORBIDDEN_V4_BLOCKS), fc.integer({ min: 0, max: 0xffffffff }))
  .map(([[base, prefix], random]) => base + (random % 2 ** (32 - prefix)));

const publicV4 = fc.integer({ min: 0, max: 0xffffffff }).filter((address) => !inForbiddenBlock(address));

function dotted(address: number): string {
  return [address >>> 24, (address >>> 16) & 0xff, (address >>> 8) & 0xff, address & 0xff].join('.');
}

type Radix = 'decimal' | 'hex' | 'HEX' | 'octal';

function renderNumber(value: number, radix: Radix, padding: number): string {
  switch (radix) {
    case 'decimal':
      return value.toString(10);
    case 'hex':
      return `0x${'0'.repeat(padding)}${value.toString(16)}`;
    case 'HEX':
      return `0X${'0'.repeat(padding)}${value.toString(16).toUpperCase()}`;
    case 'octal':
      return `0${'0'.repeat(padding)}${value.toString(8)}`;
  }
}

/** Splits an address into 1 to 4 parts the way inet_aton reads them: the last part takes the remaining bytes. */
function splitParts(address: number, count: number): number[] {
  const bytes = [address >>> 24, (address >>> 16) & 0xff, (address >>> 8) & 0xff, address & 0xff];
  const leading = bytes.slice(0, count - 1);
  const rest = bytes.slice(count - 1).reduce((total, byte) => total * 256 + byte, 0);
  return [...leading, rest];
}

const radix = fc.constantFrom<Radix>('decimal', 'hex', 'HEX', 'octal');

/** Any way a URL host can spell an IPv4 address that WHATWG (and inet_aton) read as that address. */
function spelledV4(address: fc.Arbitrary<number>): fc.Arbitrary<string> {
  return fc
    .record({
      address,
      parts: fc.integer({ min: 1, max: 4 }),
      radixes: fc.array(radix, { minLength: 4, maxLength: 4 }),
      padding: fc.integer({ min: 0, max: 2 }),
      trailingDot: fc.boolean(),
      percentEncodeFirst: fc.boolean(),
      wrap: fc.constantFrom('none', 'mapped', 'mapped-hex', 'nat64', '6to4'),
    })
    .map(({ address, parts, radixes, padding, trailingDot, percentEncodeFirst, wrap }) => {
      const hex32 = (value: number) => `${(value >>> 16).toString(16)}:${(value & 0xffff).toString(16)}`;
      switch (wrap) {
        case 'mapped':
          return `[::ffff:${splitParts(address, 4).join('.')}]`;
        case 'mapped-hex':
          return `[::ffff:${hex32(address)}]`;
        case 'nat64':
          return `[64:ff9b::${hex32(address)}]`;
        case '6to4':
          return `[2002:${hex32(address)}::1]`;
      }
      let host = splitParts(address, parts)
        .map((part, i) => renderNumber(part, radixes[i], padding))
        .join('.');
      if (trailingDot) host += '.';
      if (percentEncodeFirst) host = `%${host.charCodeAt(0).toString(16)}${host.slice(1)}`;
      return host;
    });
}

const urlAround = (host: fc.Arbitrary<string>) =>
  fc
    .record({
      scheme: fc.constantFrom('http', 'https', 'HTTP', 'HttpS'),
      host,
      port: fc.constantFrom('', ':80', ':443', ':8080', ':9000'),
      path: fc.constantFrom('/', '/disk.img', '/a/b?c=d', ''),
    })
    .map(({ scheme, host, port, path }) => `${scheme}://${host}${port}${path}`);

const publicAddressArb = fc.oneof(
  publicV4.map(dotted),
  fc
    .tuple(
      fc.integer({ min: 0x2003, max: 0x3ffe }),
      fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 7, maxLength: 7 }),
    )
    .map(([first, rest]) => [first, ...rest].map((group) => group.toString(16)).join(':')),
);

const forbiddenAddressArb = fc.oneof(
  forbiddenV4.map(dotted),
  fc.constantFrom('::1', '::', 'fe80::1', 'fd00:ec2::254', 'fc00::7', 'ff02::1', '::ffff:127.0.0.1'),
  fc.constantFrom('64:ff9b::a00:1', '2002:a9fe:a9fe::', '2001::1', '2001:db8::2', 'not-an-address'),
);

const MIRROR_URL = 'https://mirror.example.net/disk.img';

describe('checkSourceUrl properties', () => {
  // A resolver that would make any name acceptable: refusals must come from reading the literal.
  const permissive = fakeResolver();

  it('refuses every forbidden IPv4 address, however it is spelled', async () => {
    await fc.assert(
      fc.asyncProperty(urlAround(spelledV4(forbiddenV4)), async (url) => {
        const result = await checkSourceUrl(url, permissive);
        expect(result).toMatchObject({ ok: false, code: 'volume.source_url_address_forbidden' });
      }),
      { numRuns: 2000 },
    );
  });

  it('spells each address so that WHATWG URL parsing reads it back as that address', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 0, max: 0xffffffff })
          .chain((address) => fc.tuple(fc.constant(address), spelledV4(fc.constant(address)))),
        ([address, host]) => {
          const expected = host.startsWith('[') ? expect.stringMatching(/^\[[0-9a-f:]+\]$/) : dotted(address);
          expect(new URL(`http://${host}/`).hostname).toEqual(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('accepts every public IPv4 address, however it is spelled', async () => {
    await fc.assert(
      fc.asyncProperty(
        publicV4.chain((address) =>
          fc.tuple(
            fc.constant(address),
            urlAround(spelledV4(fc.constant(address))),
          ),
        ),
        async ([address, url]) => {
          const result = await checkSourceUrl(url, permissive);
          expect(result.ok).toBe(true);
          if (result.ok && !result.url.hostname.startsWith('[')) expect(result.url.hostname).toBe(dotted(address));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('accepts names that resolve only to public addresses', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(publicAddressArb, { minLength: 1, maxLength: 6 }), async (addresses) => {
        const result = await checkSourceUrl(MIRROR_URL, fakeResolver({ 'mirror.example.net': addresses }));
        expect(result).toEqual({ ok: true, url: expect.any(URL), addresses });
      }),
    );
  });

  it('refuses a name when any one of its addresses is forbidden', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(publicAddressArb, { maxLength: 6 }),
        forbiddenAddressArb,
        fc.nat(),
        async (publicAddresses, forbidden, at) => {
          const addresses = [...publicAddresses];
          addresses.splice(at % (addresses.length + 1), 0, forbidden);
          const result = await checkSourceUrl(MIRROR_URL, fakeResolver({ 'mirror.example.net': addresses }));
          expect(result).toMatchObject({ ok: false, code: 'volume.source_url_address_forbidden' });
        },
      ),
    );
  });

  it('never throws and never accepts a non-http(s) URL', async () => {
    const anyUrl = fc.oneof(fc.webUrl(), fc.string(), fc.webUrl().map((url) => url.replace(/^https?/, 'ftp')));
    await fc.assert(
      fc.asyncProperty(anyUrl, async (url) => {
        const result = await checkSourceUrl(url, permissive);
        if (result.ok) expect(['http:', 'https:']).toContain(result.url.protocol);
      }),
    );
  });
});
