import { newId } from '@statemesh/common';
import type { PrismaService } from '@statemesh/database';
import { VmUsageRepository } from '../../libs/wallets/src/settlement/vm-usage.repository';
import { ComputeStack } from './compute-stack';

/**
 * What triggers on `vms` keep per account, against the real database:
 * `account_vm_usage` (what each account's live VMs hold, read by the quota
 * check) and `vm_burn_changes` (how many VMs of each instance type cost
 * money, read by the runway check). Whatever statement writes VMs — many
 * accounts at once, status moves, deletion, a row removed — each equals the
 * sum over the VMs themselves.
 */
describe('account VM usage', () => {
  let stack: ComputeStack;
  let prisma: PrismaService;
  let accounts: string[];

  function vm(accountId: string, vcpu: number, memoryMib: number, instanceType = 's1.small') {
    const id = newId();
    return {
      id,
      accountId,
      name: `usage-${id}`,
      liveName: `usage-${id}`,
      zone: 'eu-west',
      instanceType,
      vcpu,
      memoryMib,
      image: 'ubuntu-24.04',
      rootDiskGib: 10,
      mode: 'persistent' as const,
      runStrategy: 'always' as const,
    };
  }

  /** Each account's row, as numbers (absent: zeros). */
  async function rows(): Promise<Record<string, { vms: number; vcpu: number; memoryMib: number }>> {
    const found = await prisma.accountVmUsage.findMany({ where: { accountId: { in: accounts } } });
    return Object.fromEntries(
      accounts.map((accountId) => {
        const row = found.find((candidate) => candidate.accountId === accountId);
        return [accountId, { vms: row?.vms ?? 0, vcpu: Number(row?.vcpu ?? 0n), memoryMib: Number(row?.memoryMib ?? 0n) }];
      }),
    );
  }

  /** The same, summed over the VMs themselves. */
  async function summed(): Promise<Record<string, { vms: number; vcpu: number; memoryMib: number }>> {
    return Object.fromEntries(
      await Promise.all(
        accounts.map(async (accountId) => {
          const sum = await prisma.vm.aggregate({ where: { accountId, deletedAt: null, status: { not: 'deleted' } }, _count: { _all: true }, _sum: { vcpu: true, memoryMib: true } });
          return [accountId, { vms: sum._count._all, vcpu: sum._sum.vcpu ?? 0, memoryMib: sum._sum.memoryMib ?? 0 }] as const;
        }),
      ),
    );
  }

  /** Per account, `instanceType: count` of the VMs that cost money, as the burn rate reads them. */
  async function burning(): Promise<Record<string, Record<string, number>>> {
    const read = await new VmUsageRepository(prisma).burningResourcesOf(accounts);
    return Object.fromEntries([...read].map(([accountId, { instanceTypes }]) => [accountId, Object.fromEntries(instanceTypes.map((row) => [row.instanceType, row.count]))]));
  }

  /** The same, counted over the VMs themselves. */
  async function burningCounted(): Promise<Record<string, Record<string, number>>> {
    const rows = await prisma.vm.groupBy({
      by: ['accountId', 'instanceType'],
      where: { accountId: { in: accounts }, deletedAt: null, status: { in: ['running', 'provisioning', 'starting', 'scheduled'] } },
      _count: { _all: true },
    });
    return Object.fromEntries(accounts.map((accountId) => [accountId, Object.fromEntries(rows.filter((row) => row.accountId === accountId).map((row) => [row.instanceType, row._count._all]))]));
  }

  beforeAll(async () => {
    stack = await ComputeStack.start('vm-usage');
    prisma = stack.prisma;
    accounts = [(await stack.signupTenant()).accountId, (await stack.signupTenant()).accountId];
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
  }, 60_000);

  it('follows every statement that writes VMs, for every account it touches', async () => {
    const [a, b] = accounts;
    expect(await rows()).toEqual({ [a]: { vms: 0, vcpu: 0, memoryMib: 0 }, [b]: { vms: 0, vcpu: 0, memoryMib: 0 } });

    // One statement, two accounts.
    const written = [vm(a, 1, 1024), vm(a, 2, 4096), vm(b, 4, 8192), vm(a, 1, 2048), vm(b, 2, 2048)];
    await prisma.vm.createMany({ data: written });
    expect(await rows()).toEqual({ [a]: { vms: 3, vcpu: 4, memoryMib: 7168 }, [b]: { vms: 2, vcpu: 6, memoryMib: 10240 } });

    // Status moves of live VMs change nothing.
    await prisma.vm.updateMany({ where: { id: { in: written.map((row) => row.id) } }, data: { status: 'scheduled' } });
    await prisma.vm.updateMany({ where: { id: written[0].id }, data: { status: 'running' } });
    expect(await rows()).toEqual(await summed());
    expect((await rows())[a].vms).toBe(3);

    // Deletion (as `VmLifecycleService.finishDeletion` writes it) frees what the VM held, across accounts in one statement.
    await prisma.vm.updateMany({ where: { id: { in: [written[1].id, written[2].id] } }, data: { status: 'deleted', liveName: null, deletedAt: new Date() } });
    expect(await rows()).toEqual({ [a]: { vms: 2, vcpu: 2, memoryMib: 3072 }, [b]: { vms: 1, vcpu: 2, memoryMib: 2048 } });
    // A deleted VM touched again counts no more.
    await prisma.vm.updateMany({ where: { id: written[1].id }, data: { labels: { gone: 'yes' } } });

    // A row removed outright (none is, in the product) is subtracted too; a deleted one was subtracted already.
    await prisma.vm.deleteMany({ where: { id: { in: [written[3].id, written[1].id] } } });
    expect(await rows()).toEqual({ [a]: { vms: 1, vcpu: 1, memoryMib: 1024 }, [b]: { vms: 1, vcpu: 2, memoryMib: 2048 } });
    expect(await rows()).toEqual(await summed());
  });

  it('counts the VMs that cost money by instance type through every status move, and a fold keeps the counts', async () => {
    const [a, b] = accounts;
    await prisma.vm.deleteMany({ where: { accountId: { in: accounts } } });
    await new VmUsageRepository(prisma).foldBurnChanges();
    expect(await burning()).toEqual({ [a]: {}, [b]: {} });

    const written = [vm(a, 1, 1024), vm(a, 2, 2048, 's1.medium'), vm(a, 1, 1024), vm(b, 1, 1024), vm(b, 2, 2048, 's1.medium')];
    await prisma.vm.createMany({ data: written.map((row, i) => ({ ...row, status: i === 4 ? ('running' as const) : ('pending' as const) })) });
    expect(await burning()).toEqual({ [a]: {}, [b]: { 's1.medium': 1 } });

    // Placement: pending → scheduled, in one statement for both accounts.
    await prisma.vm.updateMany({ where: { id: { in: written.slice(0, 4).map((row) => row.id) } }, data: { status: 'scheduled' } });
    expect(await burning()).toEqual({ [a]: { 's1.small': 2, 's1.medium': 1 }, [b]: { 's1.small': 1, 's1.medium': 1 } });
    // Still costing: scheduled → provisioning → running.
    await prisma.vm.updateMany({ where: { id: written[0].id }, data: { status: 'provisioning' } });
    await prisma.vm.updateMany({ where: { id: written[0].id }, data: { status: 'running' } });
    // No longer: stopped, deleting, deleted.
    await prisma.vm.updateMany({ where: { id: written[1].id }, data: { status: 'stopped' } });
    await prisma.vm.updateMany({ where: { id: { in: [written[2].id, written[4].id] } }, data: { status: 'deleting' } });
    await prisma.vm.updateMany({ where: { id: written[2].id }, data: { status: 'deleted', liveName: null, deletedAt: new Date() } });
    expect(await burning()).toEqual({ [a]: { 's1.small': 1 }, [b]: { 's1.small': 1 } });
    expect(await burning()).toEqual(await burningCounted());

    // Folding leaves one row per pair that still counts, and the same sums.
    const folded = await new VmUsageRepository(prisma).foldBurnChanges();
    expect(folded).toBeGreaterThan(4);
    expect(await prisma.vmBurnChange.count({ where: { accountId: { in: accounts } } })).toBe(2);
    expect(await burning()).toEqual(await burningCounted());
    // Nothing to fold: nothing is rewritten.
    const rowIds = async () => (await prisma.vmBurnChange.findMany({ where: { accountId: { in: accounts } }, select: { id: true } })).map((row) => row.id);
    const before = await rowIds();
    await new VmUsageRepository(prisma).foldBurnChanges();
    expect(await rowIds()).toEqual(before);
    // A row removed outright stops counting too.
    await prisma.vm.deleteMany({ where: { id: written[3].id } });
    expect(await burning()).toEqual({ [a]: { 's1.small': 1 }, [b]: {} });
  });

  // Last: it empties every VM of the test database.
  it('empties the counts when vms is truncated', async () => {
    await prisma.vm.createMany({ data: [vm(accounts[0], 2, 2048)].map((row) => ({ ...row, status: 'running' as const })) });
    await prisma.$executeRawUnsafe('TRUNCATE vms CASCADE');
    expect(await prisma.accountVmUsage.count()).toBe(0);
    expect(await prisma.vmBurnChange.count()).toBe(0);
  });
});
