import { QUEUE_NAMES, queueOf, type JobName, type PayloadOf, type QueueOf } from './job-types';

describe('job types', () => {
  it('derives every job name\'s queue from its prefix', () => {
    expect(queueOf('placement.place-vm')).toBe('placement');
    expect(queueOf('maintenance.prune-idempotency-records')).toBe('maintenance');
  });

  it('rejects a name outside every queue at run time too', () => {
    expect(() => queueOf('billing.charge' as JobName)).toThrow('job name "billing.charge" does not start with a known queue name');
  });

  it('lists the queues', () => {
    expect(QUEUE_NAMES).toEqual(['placement', 'epochs', 'settlement', 'reconciliation', 'maintenance']);
  });

  it('types the payload of exactly one job name (checked by tsc)', () => {
    const queue: QueueOf<'placement.place-vm'> = 'placement';
    const payload: PayloadOf<'placement.place-vm'> = { vmId: 'vm1', attempt: 2 };
    // @ts-expect-error a payload of another job is not accepted
    const wrong: PayloadOf<'placement.place-vm'> = { nodeId: 'n1' };
    // @ts-expect-error an empty payload accepts no fields
    const notEmpty: PayloadOf<'maintenance.prune-idempotency-records'> = { vmId: 'vm1' };
    // @ts-expect-error a union of names has no payload, so a name variable cannot smuggle one in
    const ambiguous: PayloadOf<'placement.place-vm' | 'maintenance.prune-idempotency-records'> = {};
    expect([queue, payload, wrong, notEmpty, ambiguous]).toHaveLength(5);
  });
});
