import { Test, type TestingModule } from '@nestjs/testing';
import { loadConfig, type AppConfig } from '@statemesh/config';
import { PrismaService } from '@statemesh/database';
import { IdempotencyRepository } from '@statemesh/http';
import { QueueRegistry } from '@statemesh/queue';
import { FOLD_VM_BURN_CHANGES_EVERY_MS, MaintenanceProcessor, PRUNE_IDEMPOTENCY_RECORDS_EVERY_MS } from '../../apps/worker/src/maintenance/maintenance.processor';
import { RECONCILE_LEDGER_EVERY_MS } from '../../apps/worker/src/reconciliation/reconciliation.processor';
import { newId } from '@statemesh/common';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { createOwnDatabase, eventually } from './queue-test-stack';

// The worker's housekeeping, through the worker app's own module.

describe('maintenance', () => {
  let database: { url: string; drop: () => Promise<void> };
  const workers: TestingModule[] = [];

  beforeAll(async () => {
    database = await createOwnDatabase('maintenance');
  });

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.close()));
    await database.drop();
  });

  function workerConfig(): AppConfig {
    return loadConfig({
      ...process.env,
      DATABASE_URL: database.url,
      DATABASE_POOL_SIZE: '2',
      REDIS_PREFIX: `${process.env.REDIS_PREFIX}:maintenance`,
    });
  }

  async function startWorker(): Promise<TestingModule> {
    const worker = await Test.createTestingModule({ imports: [WorkerModule.forRoot(workerConfig())] }).compile();
    workers.push(worker);
    await worker.init();
    return worker;
  }

  async function insertRecords(prisma: PrismaService, principal: string, expiresAt: Date, count: number): Promise<void> {
    await prisma.idempotencyRecord.createMany({
      data: Array.from({ length: count }, (_, index) => ({
        id: newId(),
        principal,
        key: `key-${index}`,
        method: 'POST',
        path: '/v1/accounts/a/vms',
        requestHash: 'hash',
        status: 202,
        expiresAt,
      })),
    });
  }

  it('prunes expired idempotency records on a schedule that every worker shares', async () => {
    // Records written before any worker runs: the schedule's first run removes the expired ones.
    const prisma = new PrismaService(workerConfig());
    try {
      await insertRecords(prisma, 'scheduled-expired', new Date(Date.now() - 60_000), 3);
      await insertRecords(prisma, 'scheduled-live', new Date(Date.now() + 3_600_000), 2);
    } finally {
      await prisma.$disconnect();
    }

    const first = await startWorker();
    await startWorker(); // a second worker upserts the same schedule
    const records = first.get(PrismaService).idempotencyRecord;

    const expired = () => records.count({ where: { principal: 'scheduled-expired' } });
    await eventually('the expired records are gone', async () => (await expired()) === 0);
    expect(await records.count({ where: { principal: 'scheduled-live' } })).toBe(2);
    const schedulers = await first.get(QueueRegistry).get('maintenance').getJobSchedulers();
    expect(schedulers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: 'maintenance.prune-idempotency-records', every: PRUNE_IDEMPOTENCY_RECORDS_EVERY_MS }),
        expect.objectContaining({ key: 'maintenance.fold-vm-burn-changes', every: FOLD_VM_BURN_CHANGES_EVERY_MS }),
      ]),
    );
    expect(schedulers).toHaveLength(2);
    const reconciliation = await first.get(QueueRegistry).get('reconciliation').getJobSchedulers();
    expect(reconciliation).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: 'reconciliation.reconcile-ledger', every: RECONCILE_LEDGER_EVERY_MS }),
        expect.objectContaining({ key: 'reconciliation.reconcile-vms' }),
      ]),
    );
    expect(reconciliation).toHaveLength(2);
  });

  it('deletes only what has expired, in chunks, and is safe to run twice', async () => {
    const worker = workers[0];
    const records = worker.get(PrismaService).idempotencyRecord;
    const repository = worker.get(IdempotencyRepository);
    const now = new Date();
    await insertRecords(worker.get(PrismaService), 'chunked-expired', new Date(now.getTime() - 1), 7);
    await insertRecords(worker.get(PrismaService), 'chunked-live', new Date(now.getTime() + 1_000), 2);

    await expect(repository.deleteExpired(now, 3)).resolves.toBe(7);
    await expect(worker.get(MaintenanceProcessor).pruneIdempotencyRecords(now)).resolves.toBe(0);
    expect(await records.count({ where: { principal: { startsWith: 'chunked-' } } })).toBe(2);
  });
});
