import { MasterKeyring } from '../envelope/master-keyring';
import { open, seal, type SealedSecret } from '../envelope/secret-envelope';
import type { DataKeyWrapping, SealedSecretRow, SecretRepository } from '../secrets/secret.repository';
import { secretAssociatedData } from '../secrets/secrets.service';
import { MasterKeyRotationService } from './master-key-rotation.service';

const keyA = Buffer.alloc(32, 0xa1);
const keyB = Buffer.alloc(32, 0xb2);
const keyC = Buffer.alloc(32, 0xc3);
const ringA = new MasterKeyring({ k1: keyA }, 'k1');
const ringAB = new MasterKeyring({ k1: keyA, k2: keyB }, 'k2');
const onlyB = new MasterKeyring({ k2: keyB }, 'k2');

/** The rotation's view of the secrets table, in memory. */
class FakeSecretStore {
  readonly rows: SealedSecretRow[] = [];
  /** Runs before each conditional update; lets a test change a row "concurrently" or crash. */
  beforeUpdate: (id: string) => void = () => undefined;
  updates = 0;
  reads = 0;

  add(accountId: string, name: string, value: string, keyring: MasterKeyring): SealedSecretRow {
    const sealed: SealedSecret = seal(value, keyring, secretAssociatedData(accountId, name));
    const at = new Date('2026-01-01T00:00:00Z');
    const row = { id: `id${String(this.rows.length).padStart(4, '0')}`, accountId, name, version: 1, createdAt: at, updatedAt: at, ...stored(sealed) };
    this.rows.push(row);
    return row;
  }

  async countByKeyId(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const row of [...this.rows].sort((a, b) => a.keyId.localeCompare(b.keyId))) counts.set(row.keyId, (counts.get(row.keyId) ?? 0) + 1);
    return counts;
  }

  async listWrappedBy(keyIds: readonly string[], afterId: string | undefined, limit: number): Promise<SealedSecretRow[]> {
    this.reads += 1;
    return this.rows
      .filter((row) => keyIds.includes(row.keyId) && (afterId === undefined || row.id > afterId))
      .sort((a, b) => a.id.localeCompare(b.id))
      .slice(0, limit)
      .map((row) => ({ ...row }));
  }

  async updateWrapping(id: string, readAs: { version: number; keyId: string }, wrapping: DataKeyWrapping): Promise<boolean> {
    this.beforeUpdate(id);
    const row = this.rows.find((candidate) => candidate.id === id);
    if (!row || row.version !== readAs.version || row.keyId !== readAs.keyId) return false;
    Object.assign(row, wrapping);
    this.updates += 1;
    return true;
  }

  valueOf(row: SealedSecretRow, keyring: MasterKeyring): string {
    return open(row, keyring, secretAssociatedData(row.accountId, row.name)).toString('utf8');
  }
}

/** As the database gives rows back: bytes as plain Uint8Arrays. */
function stored(sealed: SealedSecret) {
  const bytes = (buffer: Buffer) => new Uint8Array(buffer);
  return {
    keyId: sealed.keyId,
    wrappedKey: bytes(sealed.wrappedKey),
    wrapIv: bytes(sealed.wrapIv),
    wrapTag: bytes(sealed.wrapTag),
    iv: bytes(sealed.iv),
    tag: bytes(sealed.tag),
    ciphertext: bytes(sealed.ciphertext),
  };
}

function rotation(store: FakeSecretStore, keyring: MasterKeyring) {
  return new MasterKeyRotationService(store as unknown as SecretRepository, keyring);
}

function seed(store: FakeSecretStore, count: number, keyring = ringA): Map<string, string> {
  const values = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    const value = `s3cr3t-value-${i}`;
    const row = store.add(`acc${i % 3}`, `name-${i}`, value, keyring);
    values.set(row.id, value);
  }
  return values;
}

describe('MasterKeyRotationService', () => {
  it('moves every data key under the active master key, in batches, keeping values, versions and timestamps', async () => {
    const store = new FakeSecretStore();
    const values = seed(store, 7);
    const before = store.rows.map((row) => ({ ...row }));
    const lines: string[] = [];

    const summary = await rotation(store, ringAB).rewrapAll({ batchSize: 3, log: (line) => lines.push(line) });

    expect(summary).toEqual({ activeKeyId: 'k2', found: 7, unconfiguredKeys: [], rewrapped: 7, changedMeanwhile: 0, failed: [], remaining: 0 });
    for (const [index, row] of store.rows.entries()) {
      expect(row.keyId).toBe('k2');
      expect(Buffer.from(row.ciphertext).equals(Buffer.from(before[index].ciphertext))).toBe(true);
      expect(row.version).toBe(before[index].version);
      expect(row.updatedAt).toEqual(before[index].updatedAt);
      // The old master key is no longer needed.
      expect(store.valueOf(row, onlyB)).toBe(values.get(row.id));
    }
    expect(lines[1]).toBe('7 secret(s) to rewrap under "k2" from "k1" (7), in batches of 3');
    expect(lines.filter((line) => line.startsWith('batch '))).toEqual([
      'batch 1: 3 rewrapped, 0 changed meanwhile, 0 failed (3/7)',
      'batch 2: 3 rewrapped, 0 changed meanwhile, 0 failed (6/7)',
      'batch 3: 1 rewrapped, 0 changed meanwhile, 0 failed (7/7)',
    ]);
    expect(lines.at(-2)).toBe('done: 7 rewrapped, 0 changed meanwhile, 0 failed; 0 secret(s) remain under other master keys');
    expect(lines.at(-1)).toContain('other keys can be removed');
  });

  it('does nothing the second time', async () => {
    const store = new FakeSecretStore();
    seed(store, 4);
    await rotation(store, ringAB).rewrapAll();
    const updates = store.updates;
    const again = await rotation(store, ringAB).rewrapAll();
    expect(again).toMatchObject({ found: 0, rewrapped: 0, remaining: 0 });
    expect(store.updates).toBe(updates);
  });

  it('leaves secrets already under the active key alone', async () => {
    const store = new FakeSecretStore();
    seed(store, 2, ringA);
    const already = store.add('acc9', 'fresh', 's3cr3t-value-fresh', ringAB);
    const wrappedKey = Buffer.from(already.wrappedKey);
    const summary = await rotation(store, ringAB).rewrapAll();
    expect(summary).toMatchObject({ found: 2, rewrapped: 2 });
    expect(Buffer.from(store.rows[2].wrappedKey).equals(wrappedKey)).toBe(true);
  });

  it('carries on after a crash where the first run stopped', async () => {
    const store = new FakeSecretStore();
    const values = seed(store, 9);
    store.beforeUpdate = () => {
      if (store.updates === 5) throw new Error('connection lost');
    };
    await expect(rotation(store, ringAB).rewrapAll({ batchSize: 2 })).rejects.toThrow('connection lost');
    expect(store.rows.filter((row) => row.keyId === 'k2')).toHaveLength(5);

    store.beforeUpdate = () => undefined;
    const resumed = await rotation(store, ringAB).rewrapAll({ batchSize: 2 });
    expect(resumed).toMatchObject({ found: 4, rewrapped: 4, remaining: 0 });
    for (const row of store.rows) expect(store.valueOf(row, onlyB)).toBe(values.get(row.id));
  });

  it('never puts an old data key back on a value replaced while it ran', async () => {
    const store = new FakeSecretStore();
    seed(store, 3);
    const target = store.rows[1];
    store.beforeUpdate = (id) => {
      if (id !== target.id || target.version !== 1) return;
      // The API replaces the value meanwhile (a process still on the old active key).
      Object.assign(target, stored(seal('s3cr3t-value-new', ringA, secretAssociatedData(target.accountId, target.name))), { version: 2 });
    };
    const summary = await rotation(store, ringAB).rewrapAll();
    expect(summary).toMatchObject({ found: 3, rewrapped: 2, changedMeanwhile: 1, remaining: 1 });
    expect(store.valueOf(target, ringAB)).toBe('s3cr3t-value-new');

    // Run again once every process has the new key: the replaced value moves too.
    store.beforeUpdate = () => undefined;
    expect(await rotation(store, ringAB).rewrapAll()).toMatchObject({ found: 1, rewrapped: 1, remaining: 0 });
    expect(store.valueOf(target, onlyB)).toBe('s3cr3t-value-new');
  });

  it('reports secrets it cannot rewrap, rewraps the rest, and ends', async () => {
    const store = new FakeSecretStore();
    seed(store, 2, ringA);
    const damaged = store.add('acc8', 'damaged', 's3cr3t-value-damaged', ringA);
    damaged.wrapTag = new Uint8Array(16);
    const lines: string[] = [];

    const summary = await rotation(store, ringAB).rewrapAll({ batchSize: 1, log: (line) => lines.push(line) });

    expect(summary).toMatchObject({ found: 3, rewrapped: 2, changedMeanwhile: 0, remaining: 1 });
    expect(summary.failed).toEqual([{ secretId: damaged.id, accountId: 'acc8', name: 'damaged', keyId: 'k1', code: 'secret.decryption_failed' }]);
    expect(lines).toContain(
      `  cannot rewrap secret acc8/damaged (${damaged.id}): its data key does not open under master key "k1" (wrong key for that id, or a damaged row)`,
    );
    expect(lines.at(-1)).toContain('keep the other master keys configured');
  });

  it('names master keys it is missing, with how many secrets each holds, and leaves those secrets alone', async () => {
    const store = new FakeSecretStore();
    seed(store, 2, ringA);
    const k0 = new MasterKeyring({ k0: keyC }, 'k0');
    store.add('acc7', 'lost-1', 's3cr3t-value-lost', k0);
    store.add('acc7', 'lost-2', 's3cr3t-value-lost', k0);
    const lines: string[] = [];

    const summary = await rotation(store, ringAB).rewrapAll({ log: (line) => lines.push(line) });

    expect(summary).toMatchObject({ found: 4, unconfiguredKeys: [{ keyId: 'k0', secrets: 2 }], rewrapped: 2, failed: [], remaining: 2 });
    expect(lines).toContain('not configured, left as they are: "k0" (2); add these keys to DATA_ENCRYPTION_RETIRED_KEYS to rewrap them');
    expect(store.rows.filter((row) => row.keyId === 'k0')).toHaveLength(2);

    // With only unconfigured keys left, nothing is read.
    const reads = store.reads;
    expect(await rotation(store, ringAB).rewrapAll()).toMatchObject({ found: 2, rewrapped: 0, remaining: 2 });
    expect(store.reads).toBe(reads);
  });

  it('logs ids, names and key ids only: never values or key material', async () => {
    const store = new FakeSecretStore();
    seed(store, 3);
    store.add('acc7', 'lost', 's3cr3t-value-lost', new MasterKeyring({ k0: keyC }, 'k0'));
    const lines: string[] = [];
    await rotation(store, ringAB).rewrapAll({ log: (line) => lines.push(line) });
    const text = lines.join('\n');
    expect(text).not.toContain('s3cr3t-value');
    for (const key of [keyA, keyB, keyC]) {
      expect(text).not.toContain(key.toString('base64').slice(0, 12));
      expect(text).not.toContain(key.toString('hex').slice(0, 12));
    }
  });

  it('refuses a batch size that is not a positive integer', async () => {
    await expect(rotation(new FakeSecretStore(), ringAB).rewrapAll({ batchSize: 0 })).rejects.toThrow(RangeError);
  });
});
