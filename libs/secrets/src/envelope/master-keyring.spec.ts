import { inspect } from 'node:util';
import { SecretEnvelopeError } from './envelope.errors';
import { MasterKeyring, parseMasterKeys } from './master-keyring';

const keyA = Buffer.alloc(32, 0xa1);
const keyB = Buffer.alloc(32, 0xb2);
const b64 = (key: Buffer) => key.toString('base64');

function errorOf(action: () => unknown): SecretEnvelopeError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(SecretEnvelopeError);
    return error as SecretEnvelopeError;
  }
  throw new Error('expected an error');
}

describe('MasterKeyring', () => {
  it('holds keys by id with one active', () => {
    const keyring = new MasterKeyring(new Map([['k1', keyA], ['k2', keyB]]), 'k2');
    expect(keyring.activeKeyId).toBe('k2');
    expect(keyring.keyIds).toEqual(['k1', 'k2']);
    expect(keyring.has('k1')).toBe(true);
    expect(keyring.key('k1').equals(keyA)).toBe(true);
  });

  it('accepts a plain object of keys', () => {
    expect(new MasterKeyring({ k1: keyA }, 'k1').keyIds).toEqual(['k1']);
  });

  it('copies the key material it is given', () => {
    const mutable = Buffer.from(keyA);
    const keyring = new MasterKeyring({ k1: mutable }, 'k1');
    mutable.fill(0);
    expect(keyring.key('k1').equals(keyA)).toBe(true);
  });

  it.each([
    ['no keys', () => new MasterKeyring({}, 'k1')],
    ['a short key', () => new MasterKeyring({ k1: Buffer.alloc(16) }, 'k1')],
    ['a long key', () => new MasterKeyring({ k1: Buffer.alloc(33) }, 'k1')],
    ['a missing active key', () => new MasterKeyring({ k1: keyA }, 'k2')],
    ['an empty key id', () => new MasterKeyring({ '': keyA }, '')],
    ['a key id with a colon', () => new MasterKeyring({ 'k:1': keyA }, 'k:1')],
  ])('refuses %s', (_, build) => {
    expect(errorOf(build).code).toBe('secret.invalid_keyring');
  });

  it('reports an unknown key id with a stable code', () => {
    const keyring = new MasterKeyring({ k1: keyA }, 'k1');
    expect(errorOf(() => keyring.key('k9'))).toMatchObject({ code: 'secret.unknown_master_key' });
  });

  it('never shows key material when logged or serialised', () => {
    const keyring = new MasterKeyring({ k1: keyA, k2: keyB }, 'k1');
    for (const shown of [JSON.stringify(keyring), inspect(keyring, { depth: 10, showHidden: true }), String(keyring)]) {
      expect(shown).not.toContain(b64(keyA));
      expect(shown).not.toContain(keyA.toString('hex'));
      expect(shown).not.toMatch(/a1, a1|161, 161/);
    }
    expect(JSON.parse(JSON.stringify(keyring))).toEqual({ activeKeyId: 'k1', keyIds: ['k1', 'k2'] });
  });
});

describe('parseMasterKeys', () => {
  it('reads id:base64 pairs', () => {
    const keys = parseMasterKeys(`k1:${b64(keyA)},k2:${b64(keyB)}`);
    expect([...keys.keys()]).toEqual(['k1', 'k2']);
    expect(keys.get('k1')!.equals(keyA)).toBe(true);
    expect(keys.get('k2')!.equals(keyB)).toBe(true);
  });

  it('ignores whitespace around entries and accepts unpadded base64', () => {
    const keys = parseMasterKeys(` 2026-01 : ${b64(keyA).replace(/=+$/, '')} ,\n 2026-07:${b64(keyB)} `);
    expect([...keys.keys()]).toEqual(['2026-01', '2026-07']);
  });

  it('builds a keyring from configuration', () => {
    const keyring = MasterKeyring.fromConfig(`k1:${b64(keyA)},k2:${b64(keyB)}`, 'k2');
    expect(keyring.activeKeyId).toBe('k2');
    expect(keyring.key('k2').equals(keyB)).toBe(true);
  });

  it.each([
    ['an empty setting', ''],
    ['an entry without a colon', b64(keyA)],
    ['a swapped entry', `${b64(keyA)}:k1`],
    ['an empty entry', `k1:${b64(keyA)},`],
    ['an empty id', `:${b64(keyA)}`],
    ['a duplicate id', `k1:${b64(keyA)},k1:${b64(keyB)}`],
    ['a 16-byte key', `k1:${Buffer.alloc(16, 1).toString('base64')}`],
    ['a 64-byte key', `k1:${Buffer.alloc(64, 1).toString('base64')}`],
    ['hex instead of base64', `k1:${keyA.toString('hex')}`],
    ['base64 with a typo', `k1:${b64(keyA).slice(0, 10)}*${b64(keyA).slice(11)}`],
    ['base64url', `k1:${Buffer.alloc(32, 0xfb).toString('base64url')}`],
  ])('refuses %s without repeating any key material', (_, config) => {
    const error = errorOf(() => parseMasterKeys(config));
    expect(error.code).toBe('secret.invalid_keyring');
    for (const key of [keyA, keyB]) {
      expect(error.message).not.toContain(b64(key).slice(0, 12));
      expect(error.message).not.toContain(key.toString('hex').slice(0, 12));
    }
    expect(error.message).not.toContain(Buffer.alloc(32, 0xfb).toString('base64url').slice(0, 12));
  });

  it('refuses an active id that is not configured', () => {
    expect(errorOf(() => MasterKeyring.fromConfig(`k1:${b64(keyA)}`, 'k2')).code).toBe('secret.invalid_keyring');
  });
});
