import { vmsCreate, type VmResponseDto } from '@statemesh/sdk';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { eventually } from '../nodes/time-tower-fixtures';
import { send } from '../support/api-harness';
import { ComputeStack, type Tenant } from './compute-stack';

const root = join(__dirname, '../..');

/**
 * Placement under load, with real worker processes: many concurrent creates
 * against few small nodes, then a worker killed with SIGKILL in the middle.
 * Nodes are written active and eligible directly (epochs are an hour long
 * here, so the Time Tower does not judge them during the test).
 */
describe('placement under concurrency, with several worker processes', () => {
  let stack: ComputeStack;
  let tenants: Tenant[];
  const processes: ChildProcess[] = [];
  // Requests still running when a test ends (a timeout) must finish before the stack closes.
  const inFlight: Array<Promise<unknown>> = [];

  function startWorkerProcess(): ChildProcess {
    const env = { ...process.env, ...stack.workerEnv(), LOG_LEVEL: 'warn', WORKER_CONCURRENCY: '4' };
    const child = spawn(process.execPath, [join(root, 'dist/apps/worker/src/main.js')], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    processes.push(child);
    return child;
  }

  async function createMany(count: number, zone: string): Promise<string[]> {
    let next = 0;
    const ids: string[] = [];
    const failures: unknown[] = [];
    const prefix = zone.replace(/[^a-z0-9]/g, '');
    async function lane(): Promise<void> {
      while (next < count) {
        const index = next++;
        const tenant = tenants[index % tenants.length];
        // As a well-behaved client does: a 503 (busy) is retried after Retry-After, with the same Idempotency-Key.
        for (let attempt = 1; ; attempt++) {
          const created = await send(
            vmsCreate({
              client: tenant.client,
              path: { accountId: tenant.accountId },
              headers: { 'Idempotency-Key': `${prefix}-${index}` },
              body: { name: `${prefix}-${index}`, zone, instanceType: 's1.small', image: 'ubuntu-24.04' },
            }),
          );
          if (created.status === 202) ids.push((created.data as { vm: VmResponseDto }).vm.id);
          else if (created.status === 503 && attempt < 5) {
            await new Promise((resolve) => setTimeout(resolve, 1_000));
            continue;
          } else failures.push(created.error);
          break;
        }
      }
    }
    const lanes = Promise.all(Array.from({ length: 50 }, lane));
    inFlight.push(lanes.catch(() => undefined));
    await lanes;
    expect(failures).toEqual([]);
    return ids;
  }

  async function settled(vmIds: string[], timeoutMs: number): Promise<Map<string, number>> {
    let counts = new Map<string, number>();
    await eventually(
      'every VM placed or unschedulable',
      async () => {
        const rows = await stack.prisma.vm.groupBy({ by: ['status'], where: { id: { in: vmIds } }, _count: { _all: true } });
        counts = new Map(rows.map((row) => [row.status, row._count._all]));
        return (counts.get('pending') ?? 0) === 0 && (counts.get('rescheduling') ?? 0) === 0 ? true : undefined;
      },
      timeoutMs,
      250,
    );
    return counts;
  }

  async function assertNoOverCommit(nodeIds: string[], vmIds: string[]): Promise<void> {
    const nodes = await stack.prisma.node.findMany({ where: { id: { in: nodeIds } } });
    const held = await stack.prisma.vm.groupBy({ by: ['reservedNodeId'], where: { id: { in: vmIds }, reservedNodeId: { not: null } }, _sum: { vcpu: true, memoryMib: true, rootDiskGib: true } });
    const heldBy = new Map(held.map((row) => [row.reservedNodeId, row._sum]));
    for (const node of nodes) {
      expect(node.allocatedVcpu).toBeLessThanOrEqual(node.capacityVcpu);
      expect(node.allocatedMemoryMib).toBeLessThanOrEqual(node.capacityMemoryMib);
      expect(node.allocatedDiskGib).toBeLessThanOrEqual(node.capacityDiskGib);
      // What the node says it holds is exactly what its VMs hold: nothing reserved twice, nothing leaked.
      expect(node.allocatedVcpu).toBe(heldBy.get(node.id)?.vcpu ?? 0);
      expect(node.allocatedMemoryMib).toBe(heldBy.get(node.id)?.memoryMib ?? 0);
    }
    const placements = await stack.prisma.vmStatusChange.groupBy({ by: ['vmId'], where: { vmId: { in: vmIds }, status: 'scheduled' }, _count: { _all: true } });
    for (const placement of placements) expect(placement._count._all).toBe(1);
    const assignments = await stack.prisma.assignment.groupBy({ by: ['vmId'], where: { vmId: { in: vmIds }, action: 'create-vm' }, _count: { _all: true } });
    for (const assignment of assignments) expect(assignment._count._all).toBe(1);
  }

  beforeAll(async () => {
    stack = await ComputeStack.start('placeload', {
      EPOCH_SECONDS: '3600',
      PROOF_INTERVAL_SECONDS: '60',
      NODE_UNREACHABLE_AFTER_SECONDS: '3600',
      QUOTA_DEFAULT_MAX_VMS: '10000',
      QUOTA_DEFAULT_MAX_VCPU: '10000',
      QUOTA_DEFAULT_MAX_MEMORY_MIB: '100000000',
      MIN_RUNWAY_HOURS: '0',
      PLACEMENT_RETRY_INITIAL_SECONDS: '30',
      PLACEMENT_RETRY_MAX_SECONDS: '60',
    });
    // Creates come from ten accounts, as on a real platform (each account's creates are serialised by its quota check).
    tenants = await Promise.all(Array.from({ length: 10 }, () => stack.signupTenant('0')));
  }, 60_000);

  afterAll(async () => {
    for (const child of processes) if (child.exitCode === null) child.kill('SIGKILL');
    await Promise.all(inFlight);
    await stack?.close();
  }, 60_000);

  it('places 500 concurrent creates on 20 small nodes with 3 workers: each at most once, no node over capacity, the rest unschedulable with an explanation', async () => {
    const nodeIds = await stack.addSmallNodes(20, 'eu-west');
    for (let i = 0; i < 3; i++) startWorkerProcess();
    const vmIds = await createMany(500, 'eu-west');
    expect(vmIds).toHaveLength(500);

    const counts = await settled(vmIds, 90_000);
    // 20 nodes × 4 vCPU hold exactly 80 one-vCPU VMs.
    expect(counts.get('scheduled') ?? 0).toBe(80);
    expect(counts.get('unschedulable') ?? 0).toBe(420);
    await assertNoOverCommit(nodeIds, vmIds);

    const waiting = await stack.prisma.vm.findFirstOrThrow({ where: { id: { in: vmIds }, status: 'unschedulable' } });
    const explanation = waiting.placement as { rejected: Record<string, number>; message: string; nodesConsidered: number };
    expect(explanation.rejected.vcpu).toBe(20);
    expect(explanation.message).toMatch(/vCPU/);
  }, 300_000);

  it('loses no accepted VM when a worker is killed mid-run', async () => {
    await stack.prisma.zone.create({ data: { name: 'kill-test', displayName: 'Kill test', udpPortMin: 40000, udpPortMax: 40100 } });
    const nodeIds = await stack.addSmallNodes(30, 'kill-test');
    const victim = startWorkerProcess();
    const creating = createMany(300, 'kill-test');
    await eventually('some placements under way', async () => ((await stack.prisma.vm.count({ where: { zone: 'kill-test', status: 'scheduled' } })) > 10 ? true : undefined), 60_000, 50);
    victim.kill('SIGKILL');
    const vmIds = await creating;
    startWorkerProcess();

    const counts = await settled(vmIds, 120_000);
    expect((counts.get('scheduled') ?? 0) + (counts.get('unschedulable') ?? 0)).toBe(300);
    expect(counts.get('scheduled')).toBe(120);
    await assertNoOverCommit(nodeIds, vmIds);
  }, 300_000);
});
