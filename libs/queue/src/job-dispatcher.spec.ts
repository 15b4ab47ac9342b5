import { jobDispatcher, type JobContext } from './job-dispatcher';

describe('jobDispatcher', () => {
  it('hands each job its own payload and context', async () => {
    const calls: Array<[unknown, JobContext]> = [];
    const dispatch = jobDispatcher('placement', {
      'placement.place-vm': async (payload, job) => {
        calls.push([payload, job]);
      },
      'placement.place-vms': async () => undefined,
      'placement.retry-waiting': async () => undefined,
    });

    await dispatch({ id: 'placement.place-vm.vm1', name: 'placement.place-vm', data: { vmId: 'vm1' }, attemptsMade: 2 });

    expect(calls).toEqual([[{ vmId: 'vm1' }, { queue: 'placement', id: 'placement.place-vm.vm1', name: 'placement.place-vm', attemptsMade: 2 }]]);
  });

  it('fails the attempt of a job it has no handler for, so a newer worker can take the retry', async () => {
    const dispatch = jobDispatcher('placement', { 'placement.place-vm': async () => undefined, 'placement.place-vms': async () => undefined, 'placement.retry-waiting': async () => undefined });
    await expect(dispatch({ id: '1', name: 'placement.move-vm', data: {}, attemptsMade: 0 })).rejects.toThrow(
      'no handler for job "placement.move-vm" on queue placement',
    );
    await expect(dispatch({ id: '2', name: 'toString', data: {}, attemptsMade: 0 })).rejects.toThrow('no handler');
  });

  it('passes a handler failure on, for BullMQ to retry', async () => {
    const dispatch = jobDispatcher('placement', {
      'placement.place-vm': async () => {
        throw new Error('no capacity');
      },
      'placement.place-vms': async () => undefined,
      'placement.retry-waiting': async () => undefined,
    });
    await expect(dispatch({ id: '1', name: 'placement.place-vm', data: { vmId: 'v' }, attemptsMade: 0 })).rejects.toThrow('no capacity');
  });

  it('requires one handler per job name of the queue (checked by tsc)', () => {
    // @ts-expect-error the placement queue's handler for placement.place-vm is missing
    jobDispatcher('placement', {});
    jobDispatcher('placement', {
      // @ts-expect-error a handler of another queue's job does not belong here
      'maintenance.prune-idempotency-records': async () => undefined,
      'placement.place-vm': async (payload) => {
        // @ts-expect-error the payload is typed: place-vm has no nodeId
        void payload.nodeId;
      },
    });
  });
});
