import fc from 'fast-check';
import { outboxMessageFor } from './outbox-message';

describe('outboxMessageFor', () => {
  it('routes the job to its queue and scopes a given job id by job name', () => {
    expect(outboxMessageFor('placement.place-vm', { vmId: 'vm1' }, { jobId: 'vm1-0', delayMs: 1_500 })).toEqual({
      queue: 'placement',
      jobName: 'placement.place-vm',
      jobId: 'placement.place-vm.vm1-0',
      payload: { vmId: 'vm1' },
      delayMs: 1_500,
    });
  });

  it('gives each job a new id when none is given', () => {
    const first = outboxMessageFor('placement.place-vm', { vmId: 'vm1' });
    const second = outboxMessageFor('placement.place-vm', { vmId: 'vm1' });
    expect(first.jobId).toMatch(/^placement\.place-vm\.[0-9a-z]{18}$/);
    expect(second.jobId).not.toBe(first.jobId);
    expect(first.delayMs).toBe(0);
  });

  it('accepts every job id BullMQ accepts', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9._-]{1,200}$/).filter((id) => !/^\d+$/.test(id)), (jobId) => {
        const message = outboxMessageFor('placement.place-vm', { vmId: 'v' }, { jobId });
        expect(message.jobId).toBe(`placement.place-vm.${jobId}`);
        // BullMQ refuses ids that are integers or contain ":".
        expect(message.jobId).not.toContain(':');
        expect(`${parseInt(message.jobId, 10)}`).not.toBe(message.jobId);
      }),
    );
  });

  it('refuses job ids BullMQ would refuse, at the call site', () => {
    for (const jobId of ['', '123', 'vm:1', 'has space', 'x'.repeat(201)]) {
      expect(() => outboxMessageFor('placement.place-vm', { vmId: 'v' }, { jobId })).toThrow(TypeError);
    }
  });

  it('refuses delays that are negative, fractional or beyond the column', () => {
    for (const delayMs of [-1, 1.5, 2 ** 31, Number.NaN]) {
      expect(() => outboxMessageFor('placement.place-vm', { vmId: 'v' }, { delayMs })).toThrow(RangeError);
    }
  });

  it('refuses a payload that is not an object', () => {
    expect(() => outboxMessageFor('placement.place-vm', null as never)).toThrow('payload of placement.place-vm must be an object');
    expect(() => outboxMessageFor('placement.place-vm', ['vm1'] as never)).toThrow(TypeError);
  });
});
