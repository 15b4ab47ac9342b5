import { loadConfig } from '@statemesh/config';
import type { TransactionRunner } from '@statemesh/database';
import type { OutboxNotificationListener } from './outbox-notification-listener';
import { OutboxRelay } from './outbox-relay';
import type { ClaimedOutboxMessage, OutboxRepository } from './outbox.repository';
import type { QueueRegistry } from './queue-registry';

type AddedJob = { name: string; data: unknown; opts: { jobId: string; delay: number } };

/** Records what the relay does, in order, across the fakes. */
class Recorder {
  readonly events: string[] = [];
}

class FakeOutbox {
  constructor(
    private readonly recorder: Recorder,
    private rows: ClaimedOutboxMessage[],
  ) {}
  async takeBatch(_tx: unknown, limit: number): Promise<ClaimedOutboxMessage[]> {
    const taken = this.rows.slice(0, limit);
    this.recorder.events.push(`take ${limit}: ${taken.map((row) => row.id).join(',')}`);
    return taken;
  }
}

class FakeQueues {
  failWith: Error | undefined;
  refuseWith: Error | undefined;
  constructor(private readonly recorder: Recorder) {}
  async waitUntilConnected(): Promise<void> {
    if (this.failWith) throw this.failWith;
  }
  get(queue: string) {
    return {
      addBulk: async (jobs: AddedJob[]) => {
        if (this.refuseWith) throw this.refuseWith;
        this.recorder.events.push(`add ${queue} ${jobs.map((job) => `${job.name}#${job.opts.jobId}+${job.opts.delay}`).join(' ')}`);
        return jobs;
      },
    };
  }
}

/** Runs the work like a transaction: its error propagates (PostgreSQL would roll back). */
class FakeTransactions {
  constructor(private readonly recorder: Recorder) {}
  async run<T>(work: (tx: unknown) => Promise<T>): Promise<T> {
    this.recorder.events.push('begin');
    try {
      const result = await work({});
      this.recorder.events.push('commit');
      return result;
    } catch (error) {
      this.recorder.events.push('rollback');
      throw error;
    }
  }
}

function row(id: number, queue: string, jobName: string, remainingDelayMs = 0): ClaimedOutboxMessage {
  return { id: BigInt(id), queue, jobName, jobId: `${jobName}.j${id}`, payload: { id }, remainingDelayMs };
}

function relayWith(rows: ClaimedOutboxMessage[], batchSize = 10) {
  const recorder = new Recorder();
  const queues = new FakeQueues(recorder);
  const relay = new OutboxRelay(
    loadConfig({ OUTBOX_BATCH_SIZE: String(batchSize) }),
    new FakeTransactions(recorder) as unknown as TransactionRunner,
    new FakeOutbox(recorder, rows) as unknown as OutboxRepository,
    queues as unknown as QueueRegistry,
    {} as OutboxNotificationListener,
  );
  return { relay, recorder, queues };
}

describe('OutboxRelay.relayBatch', () => {
  it('takes the rows and adds each queue\'s jobs in one bulk, inside one transaction', async () => {
    const { relay, recorder } = relayWith([
      row(1, 'placement', 'placement.place-vm'),
      row(2, 'maintenance', 'maintenance.prune-idempotency-records'),
      row(3, 'placement', 'placement.place-vm', 900),
    ]);

    await expect(relay.relayBatch()).resolves.toBe(3);

    expect(recorder.events).toEqual([
      'begin',
      'take 10: 1,2,3',
      'add placement placement.place-vm#placement.place-vm.j1+0 placement.place-vm#placement.place-vm.j3+900',
      'add maintenance maintenance.prune-idempotency-records#maintenance.prune-idempotency-records.j2+0',
      'commit',
    ]);
  });

  it('takes at most one batch', async () => {
    const { relay, recorder } = relayWith([row(1, 'placement', 'placement.place-vm'), row(2, 'placement', 'placement.place-vm')], 1);
    await expect(relay.relayBatch()).resolves.toBe(1);
    expect(recorder.events).toContain('take 1: 1');
  });

  it('does nothing more when the outbox is empty', async () => {
    const { relay, recorder } = relayWith([]);
    await expect(relay.relayBatch()).resolves.toBe(0);
    expect(recorder.events).toEqual(['begin', 'take 10: ', 'commit']);
  });

  it('keeps the rows when BullMQ refuses the jobs', async () => {
    const { relay, recorder, queues } = relayWith([row(1, 'placement', 'placement.place-vm')]);
    queues.refuseWith = new Error('Stream isn\'t writeable and enableOfflineQueue options is false');
    await expect(relay.relayBatch()).rejects.toThrow('Stream isn');
    expect(recorder.events).toEqual(['begin', 'take 10: 1', 'rollback']);
  });

  it('does not open a transaction while Redis is unreachable', async () => {
    const { relay, recorder, queues } = relayWith([row(1, 'placement', 'placement.place-vm')]);
    queues.failWith = new Error('Redis is not reachable (connection reconnecting)');
    await expect(relay.relayBatch()).rejects.toThrow('Redis is not reachable');
    expect(recorder.events).toEqual([]);
  });
});
