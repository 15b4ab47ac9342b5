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
});
