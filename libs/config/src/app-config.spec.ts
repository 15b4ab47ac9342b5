import { DEFAULT_VDF_ITERATIONS } from '@statemesh/vdf';
import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('has local defaults for development', () => {
    const config = loadConfig({});
    expect(config.database.url).toBe('postgresql://postgres@127.0.0.1:5432/statemesh');
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.http.port).toBe(3000);
    expect(config.dataEncryptionKey).toHaveLength(32);
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
      /JWT_SECRET is required[\s\S]*DATA_ENCRYPTION_KEY is required[\s\S]*ADMIN_PASSWORD is required/,
    );
  });

  it('accepts production secrets', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(40),
      DATA_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
      ADMIN_PASSWORD: 'a-long-admin-password',
    });
    expect(config.env).toBe('production');
  });

  it('rejects a key of the wrong length', () => {
    expect(() => loadConfig({ DATA_ENCRYPTION_KEY: Buffer.alloc(16).toString('base64') })).toThrow(
      'DATA_ENCRYPTION_KEY must be 32 bytes',
    );
  });

  describe('nodes', () => {
    it('has production defaults: the minimum hardware, ten-minute epochs, the VDF library delay', () => {
      expect(loadConfig({}).nodes).toEqual({
        minVcpu: 2,
        minMemoryMib: 4096,
        minDiskGib: 50,
        unreachableAfterSeconds: 60,
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
