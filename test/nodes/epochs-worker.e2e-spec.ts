import { Test, type TestingModule } from '@nestjs/testing';
import { newId } from '@statemesh/common';
import { loadConfig, type AppConfig } from '@statemesh/config';
import { PrismaService } from '@statemesh/database';
import { QueueRegistry } from '@statemesh/queue';
import { EpochsProcessor } from '../../apps/worker/src/epochs/epochs.processor';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { createOwnDatabase, eventually } from '../queue/queue-test-stack';
import { TIME_TOWER_TEST_ENV } from './time-tower-fixtures';

// The worker runs the Time Tower: a database of its own, so that only this worker ticks it.

describe('the epochs processor in the worker', () => {
  let database: { url: string; drop: () => Promise<void> };
  const workers: TestingModule[] = [];

  beforeAll(async () => {
    database = await createOwnDatabase('epochs');
  });

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.close()));
    await database.drop();
  });

  function workerConfig(): AppConfig {
    return loadConfig({
      ...process.env,
      ...TIME_TOWER_TEST_ENV,
      DATABASE_URL: database.url,
      DATABASE_POOL_SIZE: '3',
      REDIS_PREFIX: `${process.env.REDIS_PREFIX}:epochs`,
    });
  }

  async function startWorker(): Promise<TestingModule> {
    const worker = await Test.createTestingModule({ imports: [WorkerModule.forRoot(workerConfig())] }).compile();
    workers.push(worker);
    await worker.init();
    return worker;
  }

  it('closes epochs and takes silent nodes out on one schedule that every worker shares', async () => {
    const first = await startWorker();
    await startWorker();
    const prisma = first.get(PrismaService);
    // Every account has its wallet from birth (a deferred constraint checks it at commit).
    const [account] = await prisma.$transaction(async (tx) => {
      const created = await tx.account.create({ data: { id: newId(), name: 'operator' } });
      await tx.wallet.create({ data: { id: newId(), kind: 'account', accountId: created.id } });
      return [created];
    });
    const node = await prisma.node.create({
      data: {
        id: newId(),
        accountId: account.id,
        name: 'silent',
        zone: 'eu-west',
        class: 'datacenter',
        arch: 'x86_64',
        virtualization: true,
        publicKey: Buffer.alloc(32, 1).toString('base64url'),
        capacityVcpu: 4,
        capacityMemoryMib: 8192,
        capacityDiskGib: 100,
        status: 'active',
        eligible: true,
        createdAt: new Date(Date.now() - 3_600_000),
      },
    });

    await eventually('the silent node is unreachable', async () => (await prisma.node.findUniqueOrThrow({ where: { id: node.id } })).status === 'unreachable');
    await eventually('two epochs have closed', async () => (await prisma.epoch.count({ where: { closedAt: { not: null } } })) >= 2, 10_000);
    const epochs = await prisma.epoch.findMany({ orderBy: { number: 'asc' } });
    expect(epochs.map((epoch) => epoch.number)).toEqual(epochs.map((_, index) => index));
    expect(epochs.filter((epoch) => epoch.closedAt === null)).toHaveLength(1);
    expect(await prisma.nodeEpochRecord.count({ where: { nodeId: node.id } })).toBe(epochs.length - 1);

    const schedulers = await first.get(QueueRegistry).get('epochs').getJobSchedulers();
    expect(schedulers).toEqual([expect.objectContaining({ key: 'epochs.tick', every: first.get(EpochsProcessor).intervalMs })]);
    expect(first.get(EpochsProcessor).intervalMs).toBe(250);
  });
});
