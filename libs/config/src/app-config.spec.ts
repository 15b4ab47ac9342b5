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
});
