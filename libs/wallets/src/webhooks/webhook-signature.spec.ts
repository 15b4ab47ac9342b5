import fc from 'fast-check';
import { computeSignature, parseSignatureHeader, signWebhook, verifyWebhookSignature } from './webhook-signature';

const SECRET = 'whsec-test-0123456789abcdef0123456789';
const NOW = 1_800_000_000;
const body = Buffer.from('{"id":"evt_1","accountId":"acc","amount":"5000000","currency":"USD","type":"deposit.succeeded"}');

function verify(header: string | undefined, rawBody: Buffer | undefined = body, overrides: { secret?: string; now?: number } = {}) {
  return verifyWebhookSignature({
    header,
    rawBody,
    secret: overrides.secret ?? SECRET,
    toleranceSeconds: 300,
    nowSeconds: overrides.now ?? NOW,
  });
}

describe('webhook signatures', () => {
  it('accepts what it signs', () => {
    expect(verify(signWebhook(SECRET, body, NOW))).toEqual({ valid: true, timestamp: NOW });
  });

  it('signs `${t}.${raw body}` with HMAC-SHA256, as hex', () => {
    // Computed independently: printf '1800000000.hello' | openssl dgst -sha256 -hmac key
    expect(computeSignature('key', 1_800_000_000, 'hello')).toBe('d3c9cf39d5d901d7e6df503c4666dd0c1623afe5859315d92567533045d87d39');
    expect(computeSignature('key', 1_800_000_000, 'hello')).toBe(computeSignature('key', 1_800_000_000, Buffer.from('hello')));
    expect(computeSignature('key', 1_800_000_000, 'hello')).not.toBe(computeSignature('key', 1_800_000_001, 'hello'));
  });

  it('refuses a body changed after signing, however slightly', () => {
    const header = signWebhook(SECRET, body, NOW);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: body.length * 8 - 1 }), (bit) => {
        const tampered = Buffer.from(body);
        tampered[bit >> 3] ^= 1 << (bit & 7);
        expect(verify(header, tampered)).toEqual({ valid: false, reason: 'mismatch' });
      }),
    );
    expect(verify(header, Buffer.concat([body, Buffer.from(' ')]))).toEqual({ valid: false, reason: 'mismatch' });
  });

  it('refuses another secret', () => {
    expect(verify(signWebhook('another-secret-entirely-0123456789', body, NOW))).toEqual({ valid: false, reason: 'mismatch' });
  });

  it('refuses a timestamp moved without re-signing', () => {
    const [, signature] = signWebhook(SECRET, body, NOW - 1000).split(',');
    expect(verify(`t=${NOW},${signature}`)).toEqual({ valid: false, reason: 'mismatch' });
  });

  it('refuses deliveries outside the tolerance, in either direction', () => {
    expect(verify(signWebhook(SECRET, body, NOW - 300))).toMatchObject({ valid: true });
    expect(verify(signWebhook(SECRET, body, NOW + 300))).toMatchObject({ valid: true });
    expect(verify(signWebhook(SECRET, body, NOW - 301))).toEqual({ valid: false, reason: 'stale' });
    expect(verify(signWebhook(SECRET, body, NOW + 301))).toEqual({ valid: false, reason: 'stale' });
  });

  it('accepts any one of several v1 signatures and ignores unknown schemes', () => {
    const good = computeSignature(SECRET, NOW, body);
    expect(verify(`t=${NOW},v0=abc,v1=${'0'.repeat(64)},v1=${good}`)).toMatchObject({ valid: true });
    expect(verify(`t=${NOW}, v1=${good.toUpperCase()}`)).toMatchObject({ valid: true });
  });

  it('refuses missing and malformed headers', () => {
    const good = computeSignature(SECRET, NOW, body);
    expect(verify(undefined)).toEqual({ valid: false, reason: 'missing' });
    expect(verify('')).toEqual({ valid: false, reason: 'missing' });
    const withoutBody = { header: signWebhook(SECRET, body, NOW), rawBody: undefined, secret: SECRET, toleranceSeconds: 300, nowSeconds: NOW };
    expect(verifyWebhookSignature(withoutBody)).toEqual({ valid: false, reason: 'malformed' });
    for (const header of [`v1=${good}`, `t=${NOW}`, `t=abc,v1=${good}`, `t=${NOW},t=${NOW},v1=${good}`, 'garbage', `t=-5,v1=${good}`]) {
      expect(verify(header)).toEqual({ valid: false, reason: 'malformed' });
    }
    for (const signature of [good.slice(2), `${good}00`, 'zz'.repeat(32), '']) {
      expect(verify(`t=${NOW},v1=${signature}`)).toEqual({ valid: false, reason: 'mismatch' });
    }
  });

  it('parses the header leniently about spaces and strictly about the timestamp', () => {
    expect(parseSignatureHeader('t=12, v1=ab ,v1=cd')).toEqual({ timestamp: 12, signatures: ['ab', 'cd'] });
    expect(parseSignatureHeader('t=1.5,v1=ab')).toBeNull();
  });
});
