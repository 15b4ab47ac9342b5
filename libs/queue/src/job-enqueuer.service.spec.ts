import type { Db } from '@statemesh/database';
import { JobEnqueuer } from './job-enqueuer.service';
import type { OutboxMessageDraft } from './outbox-message';
import type { OutboxRepository } from './outbox.repository';

class FakeOutbox {
  readonly inserted: Array<{ db: Db; message: OutboxMessageDraft }> = [];
  async insert(db: Db, message: OutboxMessageDraft): Promise<void> {
    this.inserted.push({ db, message });
  }
}

describe('JobEnqueuer', () => {
  const tx = { marker: 'the caller transaction' } as unknown as Db;

  it('writes the job to the outbox in the caller\'s transaction and returns its BullMQ id', async () => {
    const outbox = new FakeOutbox();
    const enqueuer = new JobEnqueuer(outbox as unknown as OutboxRepository);

    const jobId = await enqueuer.enqueue(tx, 'placement.place-vm', { vmId: 'vm1', attempt: 1 }, { jobId: 'vm1-1' });

    expect(jobId).toBe('placement.place-vm.vm1-1');
    expect(outbox.inserted).toEqual([
      {
        db: tx,
        message: { queue: 'placement', jobName: 'placement.place-vm', jobId, payload: { vmId: 'vm1', attempt: 1 }, delayMs: 0 },
      },
    ]);
  });

  it('writes nothing when the job is invalid', async () => {
    const outbox = new FakeOutbox();
    const enqueuer = new JobEnqueuer(outbox as unknown as OutboxRepository);

    await expect(enqueuer.enqueue(tx, 'placement.place-vm', { vmId: 'vm1' }, { jobId: 'a:b' })).rejects.toThrow(TypeError);
    expect(outbox.inserted).toEqual([]);
  });

  it('accepts only the payload of the job named (checked by tsc)', async () => {
    const enqueuer = new JobEnqueuer(new FakeOutbox() as unknown as OutboxRepository);
    await enqueuer.enqueue(tx, 'maintenance.prune-idempotency-records', {});
    // @ts-expect-error vmId is required
    await enqueuer.enqueue(tx, 'placement.place-vm', {});
    // @ts-expect-error unknown fields are refused
    await enqueuer.enqueue(tx, 'placement.place-vm', { vmId: 'vm1', extra: true });
    // @ts-expect-error unknown job names are refused
    await enqueuer.enqueue(tx, 'placement.unknown', { vmId: 'vm1' });
  });
});
