import { adminCatalogCreateZone, adminCatalogDeleteZone, adminCatalogUpdateZone, adminQuotasPut, vmsCreate, type CreateVmDto } from '@statemesh/sdk';
import { eventually } from '../nodes/time-tower-fixtures';
import { send } from '../support/api-harness';
import { ComputeStack, type Tenant } from './compute-stack';

// Creates racing each other and racing catalog changes, through the API. No
// worker runs: the VMs stay pending, which is all these rules are about.
describe('VM creates under concurrency', () => {
  let stack: ComputeStack;
  let names = 0;

  const vmBody = (overrides: Partial<CreateVmDto> = {}): CreateVmDto => {
    names += 1;
    return { name: `race${names}`, zone: 'eu-west', instanceType: 's1.small', image: 'ubuntu-24.04', ...overrides };
  };

  function create(who: Tenant, body: CreateVmDto) {
    return send(vmsCreate({ client: who.client, path: { accountId: who.accountId }, body }));
  }

  async function liveVmsIn(zone: string): Promise<number> {
    return stack.prisma.vm.count({ where: { zone, deletedAt: null } });
  }

  /** Starts `count` creates at once and runs `change` while they run: once the first is answered, or right away. */
  async function createsAround<T>(who: Tenant, zone: string, count: number, change: () => Promise<T>, when: 'after the first' | 'right away') {
    const creates = Array.from({ length: count }, () => create(who, vmBody({ zone })));
    if (when === 'after the first') await Promise.race(creates);
    const changed = await change();
    const countWhenChanged = await liveVmsIn(zone);
    return { changed, countWhenChanged, answers: await Promise.all(creates) };
  }

  /** Runs `take` (a lock, a row lock) in a transaction that stays open until `release` is called. */
  function holdInTransaction(take: (tx: Parameters<Parameters<typeof stack.prisma.$transaction>[0]>[0]) => Promise<unknown>) {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const blocker = stack.prisma.$transaction(
      async (tx) => {
        await take(tx);
        holding();
        await released;
      },
      { timeout: 60_000 },
    );
    return { release, held, blocker };
  }

  beforeAll(async () => {
    stack = await ComputeStack.start('vmraces');
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('never lets concurrent creates exceed the account quota', async () => {
    const tenant = await stack.signupTenant();
    await send(adminQuotasPut({ client: stack.admin, path: { accountId: tenant.accountId }, body: { maxVms: 5, maxVcpu: 400, maxMemoryMib: 1_000_000 } }));
    const answers = await Promise.all(Array.from({ length: 16 }, () => create(tenant, vmBody())));
    expect(answers.filter((answer) => answer.status === 202).length).toBe(5);
    for (const refused of answers.filter((answer) => answer.status !== 202)) {
      expect(refused.status).toBe(422);
      expect(refused.error).toMatchObject({ code: 'quota.exceeded' });
    }
    expect(await stack.prisma.vm.count({ where: { accountId: tenant.accountId, deletedAt: null } })).toBe(5);

    // The vCPU limit holds the same way: s1.medium has 2 vCPUs, so 7 fit into 15.
    const cpuBound = await stack.signupTenant();
    await send(adminQuotasPut({ client: stack.admin, path: { accountId: cpuBound.accountId }, body: { maxVms: 100, maxVcpu: 15, maxMemoryMib: 1_000_000 } }));
    const medium = await Promise.all(Array.from({ length: 12 }, () => create(cpuBound, vmBody({ instanceType: 's1.medium' }))));
    expect(medium.filter((answer) => answer.status === 202).length).toBe(7);
    expect(medium.filter((answer) => answer.status === 422).length).toBe(5);
  });

  /** How many creates the API has taken out of a shared transaction because it failed (the retry alone hides the cause). */
  async function createsRetriedAfterAFailedBatch(): Promise<number> {
    const metrics = await (await fetch(`${stack.api.baseUrl}/metrics`)).text();
    const line = metrics.split('\n').find((entry) => entry.startsWith('statemesh_vm_creates_handed_on_total{reason="failed-together"}'));
    return line ? Number(line.split(' ').pop()) : 0;
  }

  it('judges each of the creates accepted together as it would alone', async () => {
    const retriedBefore = await createsRetriedAfterAFailedBatch();
    const capped = await stack.signupTenant();
    await send(adminQuotasPut({ client: stack.admin, path: { accountId: capped.accountId }, body: { maxVms: 3, maxVcpu: 400, maxMemoryMib: 1_000_000 } }));
    const broke = await stack.signupTenant('0');
    const twins = await stack.signupTenant();
    const plain = await stack.signupTenant();
    const halted = await stack.signupTenant('0');
    // All at once, interleaved, so that the transactions accepting them mix accounts and outcomes.
    const burst = [
      ...Array.from({ length: 6 }, () => ({ who: 'capped', answer: create(capped, vmBody()) })),
      ...Array.from({ length: 3 }, () => ({ who: 'broke', answer: create(broke, vmBody()) })),
      ...Array.from({ length: 4 }, () => ({ who: 'twins', answer: create(twins, vmBody({ name: 'twin' })) })),
      ...Array.from({ length: 10 }, () => ({ who: 'plain', answer: create(plain, vmBody()) })),
      // Created stopped: no runway needed, even with an empty wallet.
      ...Array.from({ length: 2 }, () => ({ who: 'halted', answer: create(halted, vmBody({ runStrategy: 'halted' })) })),
    ].sort(() => Math.random() - 0.5);
    const answers = await Promise.all(burst.map(async ({ who, answer }) => ({ who, answer: await answer })));
    const statuses = (who: string) => answers.filter((entry) => entry.who === who).map((entry) => entry.answer.status).sort();
    expect(statuses('capped')).toEqual([202, 202, 202, 422, 422, 422]);
    expect(statuses('broke')).toEqual([402, 402, 402]);
    expect(statuses('twins')).toEqual([202, 409, 409, 409]);
    expect(statuses('plain')).toEqual(Array(10).fill(202));
    expect(statuses('halted')).toEqual([202, 202]);
    for (const { who, answer } of answers.filter((entry) => entry.answer.status !== 202)) {
      const code = { capped: 'quota.exceeded', broke: 'wallet.insufficient_funds', twins: 'vm.name_taken' }[who];
      expect(answer.error).toMatchObject({ code });
    }

    // Every accepted VM was written whole: its history, first event and operation, and its placement job unless halted.
    const accepted = answers.filter((entry) => entry.answer.status === 202).map((entry) => entry.answer.data as { vm: { id: string; status: string }; operation: { id: string } });
    const ids = accepted.map((body) => body.vm.id);
    expect(await stack.prisma.vm.count({ where: { id: { in: ids } } })).toBe(ids.length);
    expect(await stack.prisma.vmStatusChange.count({ where: { vmId: { in: ids } } })).toBe(ids.length);
    expect(await stack.prisma.vmEvent.count({ where: { vmId: { in: ids }, reason: 'create' } })).toBe(ids.length);
    expect(await stack.prisma.operation.count({ where: { id: { in: accepted.map((body) => body.operation.id) }, targetId: { in: ids } } })).toBe(ids.length);
    const placementJobs = await stack.prisma.outboxMessage.findMany({ where: { jobName: 'placement.place-vms' }, select: { payload: true } });
    const placed = new Set(placementJobs.flatMap((job) => (job.payload as { vmIds: string[] }).vmIds));
    for (const body of accepted) expect(placed.has(body.vm.id)).toBe(body.vm.status === 'pending');
    expect(accepted.filter((body) => body.vm.status === 'stopped')).toHaveLength(2);
    // No account holds more than it may.
    expect(await stack.prisma.vm.count({ where: { accountId: capped.accountId } })).toBe(3);
    expect(await stack.prisma.vm.count({ where: { accountId: twins.accountId, name: 'twin' } })).toBe(1);
    expect(await stack.prisma.vm.count({ where: { accountId: broke.accountId } })).toBe(0);
    // Every refusal came from judging the creates together, not from a shared transaction failing and each being retried.
    expect(await createsRetriedAfterAFailedBatch()).toBe(retriedBefore);
    // And they were accepted together: VMs of one transaction share its timestamp.
    const [{ shared }] = await stack.prisma.$queryRaw<Array<{ shared: number }>>`
      SELECT count(*)::int AS shared FROM (SELECT "createdAt" FROM vms WHERE id = ANY(${ids}::text[]) GROUP BY "createdAt" HAVING count(*) > 1) batches`;
    expect(shared).toBeGreaterThan(0);
  });

  it('keeps creates that need a lock held elsewhere from holding up the others', async () => {
    const waiting = await stack.signupTenant();
    const other = await stack.signupTenant();
    // A long change of one image holds its gate exclusively: creates on that image wait for it, alone.
    const { release, held, blocker } = holdInTransaction((tx) => tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended('catalog:image:ubuntu-22.04', 0))`);
    await held;
    const blocked = Array.from({ length: 4 }, () => create(waiting, vmBody({ image: 'ubuntu-22.04' })));
    const started = Date.now();
    const others = await Promise.all(Array.from({ length: 12 }, () => create(other, vmBody())));
    expect(others.map((answer) => answer.status)).toEqual(Array(12).fill(202));
    expect(Date.now() - started).toBeLessThan(5_000);
    release();
    await blocker;
    expect((await Promise.all(blocked)).map((answer) => answer.status)).toEqual([202, 202, 202, 202]);
  });

  it('lands no VM on a zone once its retirement is answered', async () => {
    const tenant = await stack.signupTenant();
    for (let round = 1; round <= 3; round++) {
      const zone = `retiring-${round}`;
      expect((await send(adminCatalogCreateZone({ client: stack.admin, body: { name: zone, displayName: zone, udpPortMin: 40000, udpPortMax: 40999 } }))).status).toBe(201);
      const { changed, countWhenChanged, answers } = await createsAround(tenant, zone, 24, () =>
        send(adminCatalogUpdateZone({ client: stack.admin, path: { zone }, body: { enabled: false } })),
      'after the first');
      expect(changed.status).toBe(200);
      // Every accepted VM was committed before the retirement answered; none came after.
      const accepted = answers.filter((answer) => answer.status === 202).length;
      expect(accepted).toBeGreaterThan(0);
      expect(countWhenChanged).toBe(accepted);
      expect(await liveVmsIn(zone)).toBe(accepted);
      for (const refused of answers.filter((answer) => answer.status !== 202)) {
        expect(refused.status).toBe(422);
        expect(refused.error).toMatchObject({ code: 'catalog.unavailable', errors: [expect.objectContaining({ field: 'zone', code: 'disabled' })] });
      }
    }
  });

  it('answers a retirement only after a create that already checked the zone is committed', async () => {
    const tenant = await stack.signupTenant();
    const zone = 'retired-late';
    await send(adminCatalogCreateZone({ client: stack.admin, body: { name: zone, displayName: zone, udpPortMin: 40000, udpPortMax: 40999 } }));
    // Holding the account row keeps the create's VM insert waiting (its foreign key check
    // needs the row), after the create has checked the zone in its transaction.
    const { release, held, blocker } = holdInTransaction((tx) => tx.$executeRaw`SELECT 1 FROM accounts WHERE id = ${tenant.accountId} FOR UPDATE`);
    await held;
    const answered: string[] = [];
    const creating = create(tenant, vmBody({ zone })).then((answer) => (answered.push('create'), answer));
    await eventually('the create waiting to insert its VM', async () => {
      const [{ waiting }] = await stack.prisma.$queryRaw<Array<{ waiting: number }>>`
        SELECT count(*)::int AS waiting FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO vms%'`;
      return waiting > 0 ? true : undefined;
    });
    const retiring = send(adminCatalogUpdateZone({ client: stack.admin, path: { zone }, body: { enabled: false } })).then((answer) => (answered.push('retire'), answer));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(answered).toEqual([]);
    release();
    await blocker;
    expect((await creating).status).toBe(202);
    expect((await retiring).status).toBe(200);
    expect(answered).toEqual(['create', 'retire']);
    expect((await create(tenant, vmBody({ zone }))).status).toBe(422);
  });

  it('never leaves a VM on a zone deleted while it was being created', async () => {
    const tenant = await stack.signupTenant();
    for (let round = 1; round <= 3; round++) {
      const zone = `deleted-${round}`;
      expect((await send(adminCatalogCreateZone({ client: stack.admin, body: { name: zone, displayName: zone, udpPortMin: 40000, udpPortMax: 40999 } }))).status).toBe(201);
      // A zone is deleted only while no live VM uses it (409 otherwise), whichever comes first.
      const { changed, answers } = await createsAround(tenant, zone, 24, async () => (await send(adminCatalogDeleteZone({ client: stack.admin, path: { zone } }))).status, 'right away');
      const accepted = answers.filter((answer) => answer.status === 202).length;
      if (changed === 204) {
        // Deleted: it had no live VM then, and none was created on it afterwards.
        expect(await liveVmsIn(zone)).toBe(0);
        expect(accepted).toBe(0);
      } else {
        expect(changed).toBe(409);
        expect(await liveVmsIn(zone)).toBe(accepted);
      }
      for (const refused of answers.filter((answer) => answer.status !== 202)) {
        expect(refused.status).toBe(422);
        expect(refused.error).toMatchObject({ code: 'catalog.unavailable' });
      }
    }
  });
});
