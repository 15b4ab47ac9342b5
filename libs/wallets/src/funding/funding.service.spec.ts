import { DomainError } from '@statemesh/common';
import { adminReference } from './funding.service';

describe('adminReference', () => {
  const admin = { principalKey: 'user:0mhx3k2a1b2c3d4e5f', userId: '0mhx3k2a1b2c3d4e5f' };

  it("prefers the caller's own reference", () => {
    expect(adminReference('ticket-4711', { ...admin, idempotencyKey: 'k1' })).toBe('admin:ticket-4711');
  });

  it('derives one from the Idempotency-Key, per caller, without revealing either', () => {
    const reference = adminReference(undefined, { ...admin, idempotencyKey: 'k1' });
    expect(reference).toMatch(/^admin:idempotency:[A-Za-z0-9_-]{43}$/);
    expect(reference).not.toContain('k1');
    expect(reference).not.toContain(admin.userId);
    expect(adminReference(undefined, { ...admin, idempotencyKey: 'k1' })).toBe(reference);
    expect(adminReference(undefined, { ...admin, idempotencyKey: 'k2' })).not.toBe(reference);
    expect(adminReference(undefined, { principalKey: 'user:other', userId: 'other', idempotencyKey: 'k1' })).not.toBe(reference);
  });

  it('refuses a movement that nothing could deduplicate', () => {
    expect(() => adminReference(undefined, admin)).toThrow(DomainError);
    expect(() => adminReference('', admin)).toThrow(expect.objectContaining({ code: 'ledger.reference_required' }));
  });
});
