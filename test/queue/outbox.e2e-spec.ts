import { Logger } from '@nestjs/common';
import type { JobContext } from '@statemesh/queue';
import { TcpProxy } from '../support/tcp-proxy';
import { QueueTestStack, createOwnDatabase, eventually, pause } from './queue-test-stack';

// The outbox end to end, against the real PostgreSQL and Redis: a job exists
// in BullMQ if and only if the transaction that enqueued it committed, it is
// processed once, and a Redis outage delays jobs without losing any.

interface Processed {
  vmId: string;
  job: JobContext;
}

describe('outbox', () => {
  let database: { url: string; drop: () => Promise<void> };
  let stacks: QueueTestStack[] = [];
  let testNumber = 0;

  beforeAll(async () => {
    database = await createOwnDatabase('outbox');
  });

  afterAll(async () => {
    await database.drop();
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    // A failed test must not leave rows behind for the next one.
    await stacks[0]?.prisma.outboxMessage.deleteMany();
    await Promise.all(stacks.map((stack) => stack.close()));
    stacks = [];
  });

  /** Settings for one test: its own Redis key space (under the run's prefix, which teardown removes). */
  function settings(extra: Record<string, string> = {}): Record<string, string> {
    return {
      DATABASE_URL: database.url,
      DATABASE_POOL_SIZE: '4',
      REDIS_PREFIX: `${process.env.REDIS_PREFIX}:outbox${testNumber}`,
      OUTBOX_POLL_INTERVAL_MS: '50',
      OUTBOX_MAX_RETRY_DELAY_MS: '200',
      OUTBOX_PUBLISH_TIMEOUT_MS: '2000',
      ...extra,
    };
  }

  async function stack(extra: Record<string, string> = {}): Promise<QueueTestStack> {
    const created = await QueueTestStack.create(settings(extra));
    stacks.push(created);
    return created;
  }

  /** A worker process that records every placement job it runs. */
  async function recordingWorker(): Promise<{ worker: QueueTestStack; processed: Processed[]; countOf: (vmId: string) => number }> {
    const worker = await stack();
    const processed: Processed[] = [];
    worker.processors.register(
      'placement',
      {
        'placement.place-vm': async ({ vmId }, job) => {
          processed.push({ vmId, job });
        },
        'placement.place-vms': async () => undefined,
        'placement.retry-waiting': async () => undefined,
      },
      { concurrency: 8 },
    );
    return { worker, processed, countOf: (vmId) => processed.filter((entry) => entry.vmId === vmId).length };
  }

  /** Commits one transaction enqueueing a place-vm job per VM id. */
  async function enqueueCommitted(from: QueueTestStack, vmIds: string[], jobId?: (vmId: string) => string): Promise<void> {
    await from.transactions.run(async (tx) => {
      for (const vmId of vmIds) await from.enqueuer.enqueue(tx, 'placement.place-vm', { vmId }, { jobId: jobId?.(vmId) });
    });
  }

  /** Counts every job the relay hands to BullMQ, calling the real addBulk. */
  function countRelayed(from: QueueTestStack): { count: number } {
    const queue = from.queues.get('placement');
    const addBulk = queue.addBulk.bind(queue);
    const relayed = { count: 0 };
    jest.spyOn(queue, 'addBulk').mockImplementation(async (jobs) => {
      const added = await addBulk(jobs);
      relayed.count += jobs.length;
      return added;
    });
    return relayed;
  }

  beforeEach(() => {
    testNumber += 1;
  });

  it('relays committed jobs to BullMQ and processes each once, with two relays draining the outbox side by side', async () => {
    const { worker, processed, countOf } = await recordingWorker();
    const relayA = await stack({ OUTBOX_BATCH_SIZE: '7' });
    const relayB = await stack({ OUTBOX_BATCH_SIZE: '7' });
    const relayedByA = countRelayed(relayA);
    const relayedByB = countRelayed(relayB);

    const vmIds = Array.from({ length: 120 }, (_, index) => `vm${index}`);
    for (let start = 0; start < vmIds.length; start += 10) await enqueueCommitted(worker, vmIds.slice(start, start + 10));
    // The same deterministic job twice, from two transactions: BullMQ keeps one.
    await enqueueCommitted(worker, ['vm-deterministic'], () => 'once');
    await enqueueCommitted(worker, ['vm-deterministic'], () => 'once');
    expect(await worker.outbox.countPending()).toBe(122);

    relayA.relay.start();
    relayB.relay.start();
    await eventually('every job ran', () => processed.length >= 121);
    await eventually('the outbox is empty', async () => (await worker.outbox.countPending()) === 0);
    await pause(300); // room for a duplicate to show up

    expect(processed).toHaveLength(121);
    for (const vmId of [...vmIds, 'vm-deterministic']) expect(countOf(vmId)).toBe(1);
    // Each row was handed over by exactly one relay, and both took part.
    expect(relayedByA.count + relayedByB.count).toBe(122);
    expect(relayedByA.count).toBeGreaterThan(0);
    expect(relayedByB.count).toBeGreaterThan(0);
    expect(processed.find((entry) => entry.vmId === 'vm-deterministic')?.job.id).toBe('placement.place-vm.once');
  });

  it('enqueues nothing when the transaction rolls back', async () => {
    const { worker, processed, countOf } = await recordingWorker();
    worker.relay.start();

    await expect(
      worker.transactions.run(async (tx) => {
        await worker.enqueuer.enqueue(tx, 'placement.place-vm', { vmId: 'vm-rolled-back' });
        throw new Error('the VM could not be created');
      }),
    ).rejects.toThrow('the VM could not be created');
    await enqueueCommitted(worker, ['vm-committed-after']);

    await eventually('the later job ran', () => countOf('vm-committed-after') === 1);
    await pause(200);
    expect(processed.map((entry) => entry.vmId)).toEqual(['vm-committed-after']);
    expect(await worker.outbox.countPending()).toBe(0);
  });

  it('keeps jobs in PostgreSQL while Redis is unreachable and relays all of them when it is back', async () => {
    const { worker, countOf } = await recordingWorker();
    const redis = new URL(worker.config.redis.url);
    const proxy = new TcpProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
    await proxy.open();
    const viaProxy = new URL(worker.config.redis.url);
    viaProxy.port = String(proxy.port);
    try {
      // A relay that reaches Redis only through the proxy; the worker reaches it directly.
      const relay = await stack({ REDIS_URL: viaProxy.toString() });
      const relayLog: string[] = [];
      for (const level of ['warn', 'log'] as const) {
        jest.spyOn(Logger.prototype, level).mockImplementation(function (this: Logger, message: unknown, ..._: unknown[]): void {
          if (this.context === 'OutboxRelay') relayLog.push(`${level} ${String(message)}`);
        });
      }
      relay.relay.start();
      await enqueueCommitted(worker, ['vm-before']);
      await eventually('the job enqueued before the outage ran', () => countOf('vm-before') === 1);

      await proxy.close();
      const during = Array.from({ length: 25 }, (_, index) => `vm-during-${index}`);
      await enqueueCommitted(worker, during.slice(0, 10));
      await enqueueCommitted(worker, during.slice(10));
      await pause(1_500); // many relay attempts, all failing

      expect(await worker.outbox.countPending()).toBe(25);
      const placement = worker.queues.get('placement');
      for (const vmId of during) expect(countOf(vmId)).toBe(0);
      const counts = await placement.getJobCounts('waiting', 'active', 'delayed', 'completed');
      expect(counts).toEqual({ waiting: 0, active: 0, delayed: 0, completed: 1 }); // only the job from before
      expect(relayLog.filter((line) => line.startsWith('warn'))).toEqual([
        expect.stringMatching(/^warn outbox relay failed: .+; jobs stay in PostgreSQL; retrying with backoff$/),
      ]);

      await proxy.open();
      await eventually('every job enqueued during the outage ran', () => during.every((vmId) => countOf(vmId) === 1));
      await eventually('the outbox is empty', async () => (await worker.outbox.countPending()) === 0);
      await pause(300);
      for (const vmId of ['vm-before', ...during]) expect(countOf(vmId)).toBe(1);
      expect(relayLog.filter((line) => line.startsWith('log'))).toEqual([
        expect.stringMatching(/^log outbox relay recovered after \d+ failed attempt\(s\)$/),
      ]);
    } finally {
      await proxy.close();
    }
  });

  it('deletes outbox rows only after BullMQ accepted their jobs', async () => {
    const { worker } = await recordingWorker();
    const relay = await stack();
    const placement = relay.queues.get('placement');
    const addBulk = placement.addBulk.bind(placement);
    const jobIds = ['placement.place-vm.d1', 'placement.place-vm.d2', 'placement.place-vm.d3'];
    await enqueueCommitted(worker, ['d1', 'd2', 'd3'], (vmId) => vmId);

    // Hold the relay before and after BullMQ's real addBulk, and look from outside at each step.
    const steps = { reached: defer(), proceed: defer(), accepted: defer(), finish: defer() };
    jest.spyOn(placement, 'addBulk').mockImplementation(async (jobs) => {
      steps.reached.resolve();
      await steps.proceed.promise;
      const added = await addBulk(jobs);
      steps.accepted.resolve();
      await steps.finish.promise;
      return added;
    });
    const pass = relay.relay.relayBatch();
    const inBullMq = async () => {
      const jobs = await Promise.all(jobIds.map((id) => worker.queues.get('placement').getJob(id)));
      return jobs.filter(Boolean).length;
    };

    await steps.reached.promise;
    expect(await inBullMq()).toBe(0);
    expect(await worker.outbox.countPending()).toBe(3);

    steps.proceed.resolve();
    await steps.accepted.promise;
    expect(await inBullMq()).toBe(3);
    expect(await worker.outbox.countPending()).toBe(3); // accepted, not yet deleted

    steps.finish.resolve();
    await expect(pass).resolves.toBe(3);
    expect(await worker.outbox.countPending()).toBe(0);
  });

  it('keeps the rows when BullMQ refuses a batch', async () => {
    await recordingWorker();
    const relay = await stack();
    // A row the enqueuer would never write (BullMQ refuses integer job ids), next to a good one.
    await relay.transactions.run(async (tx) => {
      const row = { queue: 'placement', jobName: 'placement.place-vm', delayMs: 0 } as const;
      await relay.outbox.insert(tx, { ...row, jobId: 'placement.place-vm.good', payload: { vmId: 'good' } });
      await relay.outbox.insert(tx, { ...row, jobId: '123', payload: { vmId: 'bad' } });
    });

    await expect(relay.relay.relayBatch()).rejects.toThrow('Custom Id cannot be integers');
    expect(await relay.outbox.countPending()).toBe(2);

    await relay.prisma.outboxMessage.deleteMany({ where: { jobId: '123' } });
    await expect(relay.relay.relayBatch()).resolves.toBe(1);
    expect(await relay.outbox.countPending()).toBe(0);
  });

  it('counts a job\'s delay from the commit, not from the relay', async () => {
    const { worker, countOf } = await recordingWorker();
    await worker.transactions.run((tx) =>
      worker.enqueuer.enqueue(tx, 'placement.place-vm', { vmId: 'vm-later' }, { jobId: 'later', delayMs: 1_500 }),
    );
    const committedAt = Date.now();
    await pause(500); // the row waits in PostgreSQL first

    await expect(worker.relay.relayBatch()).resolves.toBe(1);
    const job = await worker.queues.get('placement').getJob('placement.place-vm.later');
    expect(await job?.getState()).toBe('delayed');
    expect(job?.opts.delay).toBeLessThanOrEqual(1_000);
    expect(job?.opts.delay).toBeGreaterThan(0);

    await eventually('the delayed job ran', () => countOf('vm-later') === 1);
    expect(Date.now() - committedAt).toBeGreaterThanOrEqual(1_400);
  });
});

function defer(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}
