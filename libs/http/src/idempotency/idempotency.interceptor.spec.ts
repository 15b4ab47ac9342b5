import { createHash } from 'node:crypto';
import { fingerprintKey, requestFingerprint } from './idempotency.interceptor';

describe('requestFingerprint', () => {
  const key = fingerprintKey({ auth: { jwtSecret: 'x'.repeat(40), accessTokenTtlSeconds: 900, refreshTokenTtlSeconds: 3600 } });
  const body = { name: 'db-password', value: 's3cr3t-value-fingerprint' };

  it('is the same for the same request however its keys are ordered', () => {
    const reordered = { value: body.value, name: body.name };
    expect(requestFingerprint(key, 'POST', '/v1/x', body)).toBe(requestFingerprint(key, 'POST', '/v1/x', reordered));
  });

  it('tells different bodies, paths and methods apart', () => {
    const fingerprint = requestFingerprint(key, 'POST', '/v1/x', body);
    expect(requestFingerprint(key, 'POST', '/v1/x', { ...body, value: 'other' })).not.toBe(fingerprint);
    expect(requestFingerprint(key, 'POST', '/v1/y', body)).not.toBe(fingerprint);
    expect(requestFingerprint(key, 'PUT', '/v1/x', body)).not.toBe(fingerprint);
  });

  it('is keyed, so a stored fingerprint cannot be checked against guessed bodies without the server secret', () => {
    const unkeyed = createHash('sha256').update(`POST /v1/x\n{"name":"db-password","value":"s3cr3t-value-fingerprint"}`).digest('hex');
    const other = fingerprintKey({ auth: { jwtSecret: 'y'.repeat(40), accessTokenTtlSeconds: 900, refreshTokenTtlSeconds: 3600 } });
    expect(requestFingerprint(key, 'POST', '/v1/x', body)).not.toBe(unkeyed);
    expect(requestFingerprint(other, 'POST', '/v1/x', body)).not.toBe(requestFingerprint(key, 'POST', '/v1/x', body));
  });
});
