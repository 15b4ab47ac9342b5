import { newId } from '@statemesh/common';
import type { PrismaService } from '@statemesh/database';
import { ComputeStack } from './compute-stack';

/**
 * `account_vm_usage` (what each account's live VMs hold, read by the quota
 * check) against the real database: whatever statement writes VMs — many
 * accounts at once, status moves, deletion, a row removed — every account's
 * row equals the sum over its live VMs.
 */
describe('account VM usage', () => {
  let stack: ComputeStack;
  let prisma: PrismaService;
  let accounts: string[];

  function vm(accountId: string, vcpu: number, memoryMib: number) {
    const id = newId();
    return {
      id,
      accountId,
      name: `usage-${id}`,
      liveName: `usage-${id}`,
      zone: 'eu-west',
      instanceType: 's1.small',
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
});
