import { DEFAULT_VDF_ITERATIONS } from '@statemesh/vdf';
import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('has local defaults for development', () => {
    const config = loadConfig({});
    expect(config.database.url).toBe('postgresql://postgres@127.0.0.1:5432/statemesh');
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.http.port).toBe(3000);
    expect(config.dataEncryption.activeKeyId).toBe('k1');
    expect(config.dataEncryption.keys.get('k1')).toHaveLength(32);
  });

  it('lists every problem in one error', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    } catch (thrown) {
      error = thrown as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems).toEqual([
      'PORT must be an integer between 0 and 65535 (got "eighty")',
      'DATABASE_URL must be a postgresql: or postgres: URL',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
    ]);
    expect(error!.message).toContain('PORT');
    expect(error!.message).toContain('LOG_LEVEL');
  });

  it('requires the signing and encryption keys in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /JWT_SECRET is required[\s\S]*DATA_ENCRYPTION_KEY is required[\s\S]*ADMIN_PASSWORD is required[\s\S]*DEPOSIT_WEBHOOK_SECRET is required/,
    );
  });

  it('accepts production secrets', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(40),
      DATA_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
      ADMIN_PASSWORD: 'a-long-admin-password',
      DEPOSIT_WEBHOOK_SECRET: 'w'.repeat(32),
    });
    expect(config.env).toBe('production');
  });

  it('has queue and outbox relay defaults', () => {
    const config = loadConfig({});
    expect(config.outbox).toEqual({ pollIntervalMs: 250, batchSize: 500, publishTimeoutMs: 5_000, maxRetryDelayMs: 30_000 });
    expect(config.worker.concurrency).toBe(4);
  });

  it('reads and checks the queue and outbox relay settings', () => {
    const config = loadConfig({ OUTBOX_PUBLISH_TIMEOUT_MS: '2000', OUTBOX_MAX_RETRY_DELAY_MS: '500', WORKER_CONCURRENCY: '16' });
    expect(config.outbox.publishTimeoutMs).toBe(2_000);
    expect(config.outbox.maxRetryDelayMs).toBe(500);
    expect(config.worker.concurrency).toBe(16);
    expect(() => loadConfig({ OUTBOX_PUBLISH_TIMEOUT_MS: '0', WORKER_CONCURRENCY: 'many' })).toThrow(
      /OUTBOX_PUBLISH_TIMEOUT_MS must be an integer between 100 and 60000[\s\S]*WORKER_CONCURRENCY must be an integer/,
    );
    expect(() => loadConfig({ OUTBOX_POLL_INTERVAL_MS: '1000', OUTBOX_MAX_RETRY_DELAY_MS: '100' })).toThrow(
      'OUTBOX_MAX_RETRY_DELAY_MS must not be less than OUTBOX_POLL_INTERVAL_MS',
    );
  });

  it('rejects a key of the wrong length', () => {
    expect(() => loadConfig({ DATA_ENCRYPTION_KEY: Buffer.alloc(16).toString('base64') })).toThrow(
      'DATA_ENCRYPTION_KEY must be 32 bytes',
    );
  });

  it('configures the deposit webhook', () => {
    const defaults = loadConfig({});
    expect(defaults.billing.depositWebhookToleranceSeconds).toBe(300);
    expect(defaults.billing.depositWebhookSecret.length).toBeGreaterThanOrEqual(32);

    const configured = loadConfig({ DEPOSIT_WEBHOOK_SECRET: 's'.repeat(40), DEPOSIT_WEBHOOK_TOLERANCE_SECONDS: '60' });
    expect(configured.billing).toEqual({ depositWebhookSecret: 's'.repeat(40), depositWebhookToleranceSeconds: 60 });
  });

  it('refuses a short webhook secret and an unreasonable tolerance', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ DEPOSIT_WEBHOOK_SECRET: 'short', DEPOSIT_WEBHOOK_TOLERANCE_SECONDS: '0' });
    } catch (thrown) {
      error = thrown as ConfigError;
    }
    expect(error!.problems).toEqual([
      'DEPOSIT_WEBHOOK_SECRET must be at least 32 characters',
      'DEPOSIT_WEBHOOK_TOLERANCE_SECONDS must be an integer between 30 and 3600 (got "0")',
    ]);
  });

  describe('nodes', () => {
    it('has production defaults: the minimum hardware, ten-minute epochs, the VDF library delay', () => {
      expect(loadConfig({}).nodes).toEqual({
        minVcpu: 2,
        minMemoryMib: 4096,
        minDiskGib: 50,
        unreachableAfterSeconds: 60,
        nodeLossGraceSeconds: 120,
        tokenTtlSeconds: 600,
        challengeTtlSeconds: 60,
        proofIntervalSeconds: 60,
        vdfIterations: DEFAULT_VDF_ITERATIONS,
        fastestSquaringsPerSecond: 1e9,
        epochSeconds: 600,
        epochsToActivate: 3,
        activeProofThreshold: 0.8,
        jailEpochs: 6,
        absenceEpochsToJail: 3,
      });
    });

    it('takes the short settings tests use, fractional proof intervals included', () => {
      const nodes = loadConfig({ EPOCH_SECONDS: '2', PROOF_INTERVAL_SECONDS: '0.25', VDF_ITERATIONS: '2000', ACTIVE_PROOF_THRESHOLD: '0.5' }).nodes;
      expect(nodes).toMatchObject({ epochSeconds: 2, proofIntervalSeconds: 0.25, vdfIterations: 2000, activeProofThreshold: 0.5 });
    });

    it('rejects out-of-range values and an interval longer than the epoch', () => {
      expect(() => loadConfig({ MIN_NODE_VCPU: '0', ACTIVE_PROOF_THRESHOLD: '1.5', VDF_ITERATIONS: '2.5' })).toThrow(
        /MIN_NODE_VCPU must be an integer[\s\S]*VDF_ITERATIONS must be an integer[\s\S]*ACTIVE_PROOF_THRESHOLD must be a number between 0.01 and 1/,
      );
      expect(() => loadConfig({ EPOCH_SECONDS: '30', PROOF_INTERVAL_SECONDS: '60' })).toThrow(
        'PROOF_INTERVAL_SECONDS must not exceed EPOCH_SECONDS',
      );
    });
  });
});

describe('data encryption keys', () => {
  const keyA = Buffer.alloc(32, 0xa1);
  const keyB = Buffer.alloc(32, 0xb2);
  const keyC = Buffer.alloc(32, 0xc3);
  const b64 = (key: Buffer) => key.toString('base64');

  function problemsOf(env: Record<string, string>): string[] {
    try {
      loadConfig(env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).problems;
    }
    throw new Error('expected a configuration error');
  }

  it('names the single key k1 unless told otherwise', () => {
    const config = loadConfig({ DATA_ENCRYPTION_KEY: b64(keyA) });
    expect(config.dataEncryption.activeKeyId).toBe('k1');
    expect([...config.dataEncryption.keys.keys()]).toEqual(['k1']);
    expect(config.dataEncryption.keys.get('k1')!.equals(keyA)).toBe(true);
  });

  it('reads the active key id and the retired keys still needed to decrypt', () => {
    const config = loadConfig({
      DATA_ENCRYPTION_KEY: b64(keyC),
      DATA_ENCRYPTION_KEY_ID: '2026-07',
      DATA_ENCRYPTION_RETIRED_KEYS: ` k1:${b64(keyA)} , 2026-01:${b64(keyB).replace(/=+$/, '')}`,
    });
    expect(config.dataEncryption.activeKeyId).toBe('2026-07');
    expect([...config.dataEncryption.keys.keys()]).toEqual(['2026-07', 'k1', '2026-01']);
    expect(config.dataEncryption.keys.get('2026-07')!.equals(keyC)).toBe(true);
    expect(config.dataEncryption.keys.get('k1')!.equals(keyA)).toBe(true);
    expect(config.dataEncryption.keys.get('2026-01')!.equals(keyB)).toBe(true);
  });

  it.each([
    ['an invalid active key id', { DATA_ENCRYPTION_KEY_ID: 'key one' }, 'DATA_ENCRYPTION_KEY_ID must be 1-64 letters, digits, ".", "_" or "-"'],
    ['a retired key under the active id', { DATA_ENCRYPTION_RETIRED_KEYS: `k1:${b64(keyB)}` }, 'DATA_ENCRYPTION_RETIRED_KEYS must not list the active key id "k1"'],
    ['a retired entry without an id', { DATA_ENCRYPTION_RETIRED_KEYS: b64(keyB) }, 'DATA_ENCRYPTION_RETIRED_KEYS entry 1 is not of the form <keyId>:<base64> with a valid key id'],
    ['a swapped retired entry', { DATA_ENCRYPTION_RETIRED_KEYS: `k0:${b64(keyA)},${b64(keyB)}:k2` }, 'DATA_ENCRYPTION_RETIRED_KEYS entry 2 is not of the form <keyId>:<base64> with a valid key id'],
    ['a retired key listed twice', { DATA_ENCRYPTION_RETIRED_KEYS: `k0:${b64(keyA)},k0:${b64(keyB)}` }, 'DATA_ENCRYPTION_RETIRED_KEYS lists key "k0" twice'],
    ['a short retired key', { DATA_ENCRYPTION_RETIRED_KEYS: `k0:${b64(Buffer.alloc(16, 1))}` }, 'DATA_ENCRYPTION_RETIRED_KEYS key "k0" must be 32 bytes, base64-encoded'],
    ['a retired key with a typo', { DATA_ENCRYPTION_RETIRED_KEYS: `k0:${b64(keyA).slice(0, 10)}*${b64(keyA).slice(11)}` }, 'DATA_ENCRYPTION_RETIRED_KEYS key "k0" must be 32 bytes, base64-encoded'],
    ['an active key with a typo', { DATA_ENCRYPTION_KEY: `${b64(keyA).slice(0, 10)}*${b64(keyA).slice(11)}` }, 'DATA_ENCRYPTION_KEY must be 32 bytes, base64-encoded'],
    ['an active key in hex', { DATA_ENCRYPTION_KEY: keyA.toString('hex') }, 'DATA_ENCRYPTION_KEY must be 32 bytes, base64-encoded'],
  ])('refuses %s without repeating key material', (_, env, problem) => {
    const problems = problemsOf(env);
    expect(problems).toEqual([problem]);
    for (const key of [keyA, keyB]) {
      expect(problems.join('\n')).not.toContain(b64(key).slice(0, 12));
      expect(problems.join('\n')).not.toContain(key.toString('hex').slice(0, 12));
    }
  });

  it('does not repeat a key given where its id belongs', () => {
    const problems = problemsOf({ DATA_ENCRYPTION_KEY_ID: b64(keyA) });
    expect(problems).toEqual(['DATA_ENCRYPTION_KEY_ID must be 1-64 letters, digits, ".", "_" or "-"']);
  });
});

describe('TRUST_PROXY', () => {
  it('trusts no proxy by default, any with true, or the listed ones', () => {
    expect(loadConfig({}).http.trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).http.trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.5' }).http.trustProxy).toEqual(['10.0.0.0/8', '192.168.1.5']);
  });
});
