import { DomainError } from '@statemesh/common';
import { Prisma } from '@statemesh/database';
import type { ResolvedVmCatalog } from '../catalog/catalog.types';
import type { CreateVmDto } from './dto/vm.dto';
import { VmAcceptanceService, type VmAcceptRequest } from './vm-acceptance.service';
import type { AcceptedVmDraft } from './vm.repository';

// The batching rules of accepting creates, with the database faked: which
// creates share a transaction, and what happens when a shared one fails.

const spec = {
  zone: { name: 'eu-west', udpPortMin: 40000, udpPortMax: 40001 },
  image: { name: 'ubuntu-24.04', arch: 'x86_64', minDiskGib: 10 },
  instanceType: { name: 's1.small', vcpu: 1, memoryMib: 2048, gpuModel: null, gpuCount: 0 },
} as unknown as ResolvedVmCatalog;

function nameViolation(): Error {
  return new Prisma.PrismaClientKnownRequestError('duplicate name', {
    code: 'P2002',
    clientVersion: 'test',
    meta: { driverAdapterError: { cause: { constraint: 'vms_accountId_liveName_key' } } },
  });
}

function setUp(options: { maxVms?: number; failWrite?: (drafts: readonly AcceptedVmDraft[]) => Error | null; busyAccount?: string } = {}) {
  // Each transaction's fake client records the names of the VMs it wrote.
  const transactions: string[][] = [];
  const tx = {
    run: async <T>(work: (db: { names: string[] }) => Promise<T>): Promise<T> => {
      const db = { names: [] as string[] };
      transactions.push(db.names);
      return work(db);
    },
  };
  const vms = {
    liveNamesTaken: async () => new Set<string>(),
    createAccepted: async (drafts: readonly AcceptedVmDraft[], _also: unknown, db: { names: string[] }) => {
      db.names.push(...drafts.map((draft) => draft.vm.name));
      const failure = options.failWrite?.(drafts);
      if (failure) throw failure;
      return drafts.map((draft) => ({ ...draft.vm }));
    },
    claimUdpPort: async () => ({ claimed: null, exhausted: true }),
  };
  const service = new VmAcceptanceService(
    tx as never,
    {
      hold: async () => undefined,
      // A lock of `busyAccount` is held elsewhere: trying it fails, waiting for it succeeds (the holder commits).
      tryHold: async (_db: unknown, locks: Array<{ key: string }>) => locks.map((lock) => lock.key !== `quota:${options.busyAccount}`),
    } as never,
    vms as never,
    { prepareMany: (drafts: Array<{ id: string }>) => ({ operations: drafts.map((draft) => ({ id: draft.id })), statement: Prisma.sql`SELECT 1` }) } as never,
    { recheckManyForVms: async (requests: unknown[]) => requests.map(() => spec) } as never,
    {
      standingsOf: async (accountIds: string[]) =>
        new Map(accountIds.map((id) => [id, { limits: { maxVms: options.maxVms ?? 100, maxVcpu: 100, maxMemoryMib: 1_000_000 }, usage: { vms: 0, vcpu: 0, memoryMib: 0 } }])),
    } as never,
    { standingsOf: async (accountIds: string[]) => new Map(accountIds.map((id) => [id, { balance: 10n ** 12n, burnRatePerHour: 0n }])), refusal: () => null } as never,
    { prepareMany: () => ({ jobIds: [], statement: null }) } as never,
    { judgedTogether: () => undefined, handedOn: () => undefined } as never,
  );
  let ids = 0;
  const request = (name: string, input: Partial<CreateVmDto> = {}, accountId = 'acc1'): VmAcceptRequest => ({
    id: `vm${++ids}`,
    accountId,
    actor: 'user:u1',
    input: { name, zone: 'eu-west', image: 'ubuntu-24.04', instanceType: 's1.small', ...input } as CreateVmDto,
    fqdn: `vm-${name}.eu-west.example.test`,
    restore: null,
    hourlyPrice: 1_000n,
  });
  return { service, transactions, request };
}

describe('VmAcceptanceService', () => {
  it('accepts a lone create at once, and the creates that arrive meanwhile together', async () => {
    const { service, transactions, request } = setUp();
    const answers = await Promise.all(['a', 'b', 'c', 'd'].map((name) => service.accept(request(name))));
    expect(answers.map((answer) => answer.vm.name)).toEqual(['a', 'b', 'c', 'd']);
    // Two transactions may run at once: the first two creates start them, the others share the next.
    expect(transactions).toEqual([['a'], ['b'], ['c', 'd']]);
  });

  it('judges each create of a shared transaction on its own: later ones of an account count the earlier ones', async () => {
    const { service, transactions, request } = setUp({ maxVms: 1 });
    const answers = await Promise.allSettled(['a', 'b', 'c', 'd'].map((name) => service.accept(request(name))));
    // Each transaction sees no VM before it (the fake's usage stays 0): c and d share one, so d is refused and only c written.
    expect(transactions).toEqual([['a'], ['b'], ['c']]);
    expect(answers.map((answer) => answer.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    expect((answers[3] as PromiseRejectedResult).reason).toMatchObject({ code: 'quota.exceeded' });
  });

  it('refuses a second create of the same name in one transaction', async () => {
    const { service, request } = setUp();
    const answers = await Promise.allSettled(['x', 'y', 'twin', 'twin'].map((name) => service.accept(request(name))));
    expect(answers.map((answer) => answer.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    expect((answers[3] as PromiseRejectedResult).reason).toMatchObject({ code: 'vm.name_taken' });
  });

  it('tries each create of a failed shared transaction again alone, so only the one at fault fails', async () => {
    // A name taken by a rename under way shows only when the VMs are written.
    const { service, transactions, request } = setUp({ failWrite: (drafts) => (drafts.some((draft) => draft.vm.name === 'renamed') ? nameViolation() : null) });
    const answers = await Promise.allSettled(['a', 'b', 'c', 'renamed', 'd'].map((name) => service.accept(request(name))));
    expect(transactions).toEqual([['a'], ['b'], ['c', 'renamed', 'd'], ['c'], ['renamed'], ['d']]);
    expect(answers.map((answer) => answer.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const refusal = (answers[3] as PromiseRejectedResult).reason;
    expect(refusal).toBeInstanceOf(DomainError);
    expect(refusal).toMatchObject({ code: 'vm.name_taken' });
  });

  it('accepts a create with UDP ports in a transaction of its own', async () => {
    const { service, transactions, request } = setUp();
    const answers = await Promise.allSettled([
      service.accept(request('a')),
      service.accept(request('b')),
      service.accept(request('c')),
      service.accept(request('game', { ports: [{ protocol: 'udp', targetPort: 27015 }] })),
      service.accept(request('d')),
    ]);
    expect(transactions).toEqual([['a'], ['b'], ['c'], ['game'], ['d']]);
    // The fake pool is exhausted: only that create fails.
    expect(answers.map((answer) => answer.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((answers[3] as PromiseRejectedResult).reason).toMatchObject({ code: 'entrypoint.udp_pool_exhausted' });
  });

  it('hands a create whose lock is held elsewhere on (to the next batch once, then to a transaction of its own), and goes on with the others', async () => {
    const { service, transactions, request } = setUp({ busyAccount: 'busy' });
    const answers = await Promise.all([
      service.accept(request('a')),
      service.accept(request('b')),
      service.accept(request('c')),
      service.accept(request('waits', {}, 'busy')),
      service.accept(request('d')),
    ]);
    expect(answers.map((answer) => answer.vm.name)).toEqual(['a', 'b', 'c', 'waits', 'd']);
    // c, waits and d are batched; waits' account lock is taken, so it joins the next batch once (which writes
    // nothing: the lock is still taken), then leaves for a transaction that waits for it.
    expect(transactions).toEqual([['a'], ['b'], ['c', 'd'], [], ['waits']]);
  });

  it('fails every create of a shared transaction at once when the database is away, without retrying them one by one', async () => {
    const gone = new Prisma.PrismaClientKnownRequestError('timed out', { code: 'P2028', clientVersion: 'test' });
    const { service, transactions, request } = setUp({ failWrite: (drafts) => (drafts.length > 1 ? gone : null) });
    const answers = await Promise.allSettled(['a', 'b', 'c', 'd'].map((name) => service.accept(request(name))));
    expect(answers.map((answer) => answer.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected']);
    expect(transactions).toEqual([['a'], ['b'], ['c', 'd']]);
  });
});
