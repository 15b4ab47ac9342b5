import { randomBytes } from 'node:crypto';
import { MasterKeyring } from '../envelope/master-keyring';
import { EnvelopeResponseSealer } from './envelope-response-sealer';

describe('EnvelopeResponseSealer', () => {
  const keyring = new MasterKeyring({ k1: randomBytes(32) }, 'k1');
  const sealer = new EnvelopeResponseSealer(keyring);
  const body = JSON.stringify({ token: 'smk_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' });

  it('round-trips a body and hides it', () => {
    const sealed = sealer.seal(body, 'token:t1/key-1');
    expect(sealed.startsWith('sealed:v1:')).toBe(true);
    expect(sealed).not.toContain('smk_');
    expect(Buffer.from(sealed.slice(10), 'base64').toString()).not.toContain('smk_');
    expect(sealer.open(sealed, 'token:t1/key-1')).toBe(body);
  });

  it('does not open for another caller or key', () => {
    const sealed = sealer.seal(body, 'token:t1/key-1');
    expect(() => sealer.open(sealed, 'token:t2/key-1')).toThrow();
  });
});
