import * as fc from 'fast-check';
import { SecretEnvelopeError, type SecretEnvelopeErrorCode } from './envelope.errors';
import { MasterKeyring } from './master-keyring';
import { open, rewrap, seal, type SealedSecret } from './secret-envelope';

const keyA = Buffer.alloc(32, 0xa1);
const keyB = Buffer.alloc(32, 0xb2);
const ringA = new MasterKeyring({ k1: keyA }, 'k1');
const ringAB = new MasterKeyring({ k1: keyA, k2: keyB }, 'k2');
const impostorRing = new MasterKeyring({ k2: keyA }, 'k2');
const AAD = 'acc123/DATABASE_PASSWORD';

function failure(action: () => unknown): SecretEnvelopeErrorCode {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(SecretEnvelopeError);
    return (error as SecretEnvelopeError).code;
  }
  throw new Error('expected the envelope to be refused');
}

function flipBit(bytes: Buffer, index = 0): Buffer {
  const copy = Buffer.from(bytes);
  copy[index % copy.length] ^= 0x01;
  return copy;
}

describe('seal and open', () => {
  it('round-trips a string value', () => {
    const sealed = seal('correct horse battery staple', ringA, AAD);
    expect(open(sealed, ringA, AAD).toString('utf8')).toBe('correct horse battery staple');
  });

  it('round-trips binary and empty values', () => {
    const binary = Buffer.from([0, 255, 1, 254, 0]);
    expect(open(seal(binary, ringA, AAD), ringA, AAD).equals(binary)).toBe(true);
    expect(open(seal('', ringA), ringA)).toEqual(Buffer.alloc(0));
  });

  it('seals under the active master key with the documented sizes', () => {
    const sealed = seal('value', ringAB, AAD);
    expect(sealed.keyId).toBe('k2');
    expect(sealed.wrappedKey).toHaveLength(32);
    expect(sealed.wrapIv).toHaveLength(12);
    expect(sealed.wrapTag).toHaveLength(16);
    expect(sealed.iv).toHaveLength(12);
    expect(sealed.tag).toHaveLength(16);
    expect(sealed.ciphertext).toHaveLength(5);
  });

  it('uses a fresh data key and IVs every time', () => {
    const first = seal('same value', ringA, AAD);
    const second = seal('same value', ringA, AAD);
    expect(first.wrappedKey.equals(second.wrappedKey)).toBe(false);
    expect(first.iv.equals(second.iv)).toBe(false);
    expect(first.wrapIv.equals(second.wrapIv)).toBe(false);
    expect(first.ciphertext.equals(second.ciphertext)).toBe(false);
  });

  it('does not leave the plaintext in the envelope', () => {
    const sealed = seal('plain-marker-0123456789', ringA, AAD);
    for (const field of Object.values(sealed)) {
      expect(Buffer.from(field as Buffer | string).toString('latin1')).not.toContain('plain-marker');
    }
  });

  it('opens values read back from storage as plain Uint8Arrays', () => {
    const sealed = seal('stored', ringA, AAD);
    const bytes = (buffer: Buffer) => new Uint8Array(buffer);
    const stored = {
      keyId: sealed.keyId,
      wrappedKey: bytes(sealed.wrappedKey),
      wrapIv: bytes(sealed.wrapIv),
      wrapTag: bytes(sealed.wrapTag),
      iv: bytes(sealed.iv),
      tag: bytes(sealed.tag),
      ciphertext: bytes(sealed.ciphertext),
    };
    expect(stored.iv).not.toBeInstanceOf(Buffer);
    expect(open(stored, ringA, AAD).toString()).toBe('stored');
  });

  it('accepts associated data given as bytes', () => {
    const sealed = seal('value', ringA, Buffer.from(AAD));
    expect(open(sealed, ringA, AAD).toString()).toBe('value');
  });
});

describe('open refuses', () => {
  const sealed = seal('the secret value', ringAB, AAD);

  it.each<[string, Partial<Record<keyof SealedSecret, unknown>>, SecretEnvelopeErrorCode]>([
    ['a tampered ciphertext', { ciphertext: flipBit(sealed.ciphertext, 3) }, 'secret.decryption_failed'],
    ['a truncated ciphertext', { ciphertext: sealed.ciphertext.subarray(1) }, 'secret.decryption_failed'],
    ['a tampered tag', { tag: flipBit(sealed.tag) }, 'secret.decryption_failed'],
    ['a tampered IV', { iv: flipBit(sealed.iv) }, 'secret.decryption_failed'],
    ['a tampered wrapped key', { wrappedKey: flipBit(sealed.wrappedKey, 7) }, 'secret.decryption_failed'],
    ['a tampered wrap tag', { wrapTag: flipBit(sealed.wrapTag) }, 'secret.decryption_failed'],
    ['a tampered wrap IV', { wrapIv: flipBit(sealed.wrapIv) }, 'secret.decryption_failed'],
    ['a relabelled master key id', { keyId: 'k1' }, 'secret.decryption_failed'],
    ['a master key id not in the keyring', { keyId: 'k7' }, 'secret.unknown_master_key'],
    ['a short IV', { iv: sealed.iv.subarray(4) }, 'secret.malformed_envelope'],
    ['a short tag', { tag: sealed.tag.subarray(8) }, 'secret.malformed_envelope'],
    ['a short wrapped key', { wrappedKey: sealed.wrappedKey.subarray(1) }, 'secret.malformed_envelope'],
    ['base64 text in place of bytes', { iv: sealed.iv.toString('base64') }, 'secret.malformed_envelope'],
    ['a missing ciphertext', { ciphertext: undefined }, 'secret.malformed_envelope'],
    ['a missing key id', { keyId: undefined }, 'secret.malformed_envelope'],
  ])('%s', (_, changes, code) => {
    expect(failure(() => open({ ...sealed, ...changes } as SealedSecret, ringAB, AAD))).toBe(code);
  });

  it.each<[string, () => unknown, SecretEnvelopeErrorCode]>([
    ['the wrong associated data', () => open(sealed, ringAB, 'acc999/DATABASE_PASSWORD'), 'secret.decryption_failed'],
    ['missing associated data', () => open(sealed, ringAB), 'secret.decryption_failed'],
    ['the wrong key under the right id', () => open(sealed, impostorRing, AAD), 'secret.decryption_failed'],
    ['a keyring without its master key', () => open(sealed, ringA, AAD), 'secret.unknown_master_key'],
  ])('%s', (_, action, code) => {
    expect(failure(action)).toBe(code);
  });

  it('swapping the wrapped keys of two secrets', () => {
    const other = seal('another value', ringAB, AAD);
    const swapped = { ...sealed, wrappedKey: other.wrappedKey, wrapIv: other.wrapIv, wrapTag: other.wrapTag };
    expect(failure(() => open(swapped, ringAB, AAD))).toBe('secret.decryption_failed');
  });

  it('with a message that gives nothing away', () => {
    expect(() => open(sealed, ringAB, 'wrong')).toThrow('the secret could not be decrypted');
    expect(() => open({ ...sealed, ciphertext: flipBit(sealed.ciphertext) }, ringAB, AAD)).toThrow(
      'the secret could not be decrypted',
    );
  });
});

describe('rewrap', () => {
  it('moves a secret to the active master key and keeps its value', () => {
    const old = seal('rotate me', ringA, AAD);
    const moved = rewrap(old, ringAB);
    expect(moved.keyId).toBe('k2');
    expect(moved.ciphertext.equals(old.ciphertext)).toBe(true);
    expect(moved.iv.equals(old.iv)).toBe(true);
    expect(moved.tag.equals(old.tag)).toBe(true);
    expect(moved.wrappedKey.equals(old.wrappedKey)).toBe(false);
    expect(open(moved, ringAB, AAD).toString()).toBe('rotate me');
    // Once k1 is retired, only the rewrapped copy still opens.
    const retired = new MasterKeyring({ k2: keyB }, 'k2');
    expect(open(moved, retired, AAD).toString()).toBe('rotate me');
    expect(failure(() => open(old, retired, AAD))).toBe('secret.unknown_master_key');
  });

  it('rewraps a secret already under the active key with a fresh IV', () => {
    const sealed = seal('value', ringAB, AAD);
    const again = rewrap(sealed, ringAB);
    expect(again.keyId).toBe('k2');
    expect(again.wrapIv.equals(sealed.wrapIv)).toBe(false);
    expect(open(again, ringAB, AAD).toString()).toBe('value');
  });

  it('refuses a tampered wrapped key and an unknown master key', () => {
    const sealed = seal('value', ringA, AAD);
    expect(failure(() => rewrap({ ...sealed, wrappedKey: flipBit(sealed.wrappedKey) }, ringAB))).toBe(
      'secret.decryption_failed',
    );
    expect(failure(() => rewrap(sealed, new MasterKeyring({ k2: keyB }, 'k2')))).toBe('secret.unknown_master_key');
  });

  it('does not share buffers with its input', () => {
    const sealed = seal('value', ringA, AAD);
    const moved = rewrap(sealed, ringAB);
    sealed.ciphertext.fill(0);
    expect(open(moved, ringAB, AAD).toString()).toBe('value');
  });
});

describe('envelope properties', () => {
  it('opens whatever it sealed, under the same associated data', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), fc.string(), (bytes, aad) => {
        const plaintext = Buffer.from(bytes);
        expect(open(seal(plaintext, ringAB, aad), ringAB, aad).equals(plaintext)).toBe(true);
      }),
    );
  });

  it('round-trips any string, rewrapped or not', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const sealed = seal(text, ringA, AAD);
        expect(open(sealed, ringA, AAD).toString('utf8')).toBe(text);
        expect(open(rewrap(sealed, ringAB), ringAB, AAD).toString('utf8')).toBe(text);
      }),
    );
  });

  it('refuses any other associated data', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), fc.string(), fc.string(), (bytes, aad, other) => {
        fc.pre(aad !== other);
        const sealed = seal(Buffer.from(bytes), ringA, aad);
        expect(failure(() => open(sealed, ringA, other))).toBe('secret.decryption_failed');
      }),
    );
  });

  it('refuses any single flipped bit anywhere in the envelope', () => {
    const fields = ['wrappedKey', 'wrapIv', 'wrapTag', 'iv', 'tag', 'ciphertext'] as const;
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 256 }),
        fc.constantFrom(...fields),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        (bytes, field, at, bit) => {
          const sealed = seal(Buffer.from(bytes), ringA, AAD);
          const tampered = Buffer.from(sealed[field]);
          tampered[at % tampered.length] ^= 1 << bit;
          expect(failure(() => open({ ...sealed, [field]: tampered }, ringA, AAD))).toBe('secret.decryption_failed');
        },
      ),
    );
  });
});
