import { newId } from '@statemesh/common';
import type { VmStatus } from '@statemesh/compute';
import type { PrismaService } from '@statemesh/database';
import { RECONCILE_NODES_PER_CHUNK, REPORT_LATENESS_MS, VmReconcilerService } from '../../libs/compute/src/healing/vm-reconciler.service';
import { ComputeStack } from './compute-stack';

const LONG_AGO = new Date(Date.now() - 3_600_000);

interface ReportedVm {
  id: string;
  state: 'provisioning' | 'running' | 'stopped' | 'failed';
  generation?: number;
}

/**
 * Reconciliation passes against the real database, driven directly (no
 * worker runs here): nodes and VMs are written straight into the tables,
 * each node's last report is set, and one pass must repair each node exactly
 * as that node's situation asks, however many nodes it reads at once.
 */
describe('reconciliation of node reports', () => {
  let stack: ComputeStack;
  let prisma: PrismaService;
  let reconciler: VmReconcilerService;
  let accountId: string;

  /** Live VMs placed on nodes, their status changed long ago (settled). Ids in the order given. */
  async function placeVms(vms: Array<{ nodeId: string; status?: VmStatus; generation?: number }>): Promise<string[]> {
    const ids = vms.map(() => newId());
    await prisma.vm.createMany({
      data: vms.map((vm, i) => ({
        id: ids[i],
        accountId,
        name: `rec-${ids[i]}`,
        liveName: `rec-${ids[i]}`,
        zone: 'eu-west',
        instanceType: 's1.small',
        vcpu: 1,
        memoryMib: 1024,
        image: 'ubuntu-24.04',
        rootDiskGib: 10,
        mode: 'persistent' as const,
        runStrategy: 'always' as const,
        status: vm.status ?? 'running',
        nodeId: vm.nodeId,
        generation: vm.generation ?? 1,
        statusChangedAt: LONG_AGO,
      })),
    });
    return ids;
  }

  /** Sets what each node's last heartbeat said it holds, and when (now by default: fresh). */
  async function report(reports: ReadonlyMap<string, ReportedVm[]>, secondsAgo = 0): Promise<void> {
    const nodeIds = [...reports.keys()];
    const vms = nodeIds.map((nodeId) => JSON.stringify(reports.get(nodeId)));
    await prisma.$executeRaw`
      UPDATE nodes n SET "reportedVms" = r.vms::jsonb, "lastSeenAt" = now() - make_interval(secs => ${secondsAgo})
      FROM unnest(${nodeIds}::text[], ${vms}::text[]) AS r(id, vms) WHERE n.id = r.id`;
  }

  async function openAssignment(vmId: string, nodeId: string, action: 'create-vm' | 'delete-vm'): Promise<void> {
    await prisma.assignment.create({ data: { id: newId(), vmId, nodeId, action, generation: 1, payload: {}, status: 'pending' } });
  }

  /** Runs one pass; returns its summary and the assignments it issued, as `action vm on node` lines. */
  async function pass(): Promise<{ summary: Awaited<ReturnType<VmReconcilerService['reconcile']>>; issued: string[] }> {
    const before = new Set((await prisma.assignment.findMany({ select: { id: true } })).map((assignment) => assignment.id));
    const summary = await reconciler.reconcile(new Date());
    const after = await prisma.assignment.findMany({ select: { id: true, action: true, vmId: true, nodeId: true } });
    const issued = after.filter((assignment) => !before.has(assignment.id)).map((assignment) => `${assignment.action} ${assignment.vmId} on ${assignment.nodeId}`);
    return { summary, issued: issued.sort() };
  }

  beforeAll(async () => {
    stack = await ComputeStack.start('reconcile', { NODE_UNREACHABLE_AFTER_SECONDS: '60' });
    prisma = stack.prisma;
    reconciler = (await stack.startHealing()).get(VmReconcilerService);
    accountId = (await stack.signupTenant('0')).accountId;
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
  }, 60_000);

  beforeEach(async () => {
    // Each test reconciles only the nodes it reports for.
    await prisma.node.updateMany({ data: { lastSeenAt: null } });
  });

  it('repairs each node of a pass according to its own report, and only it', async () => {
    const [missing, stale, closing, unknown, newer, home, deleting, quiet, waiting, empty] = await stack.addSmallNodes(10);
    const [lost, moved, disputed, held, gone, pending] = await placeVms([
      { nodeId: missing },
      { nodeId: home, generation: 2 },
      { nodeId: home },
      { nodeId: quiet },
      { nodeId: deleting, status: 'deleting' },
      { nodeId: waiting, status: 'scheduled' },
    ]);
    const stranger = newId();
    // Open work elsewhere does not count for the VM's own node: `lost` is still missing from `missing`.
    await openAssignment(lost, stale, 'delete-vm');
    // `closing` has already been told to destroy its copy of `moved`; `stale` has not.
    await openAssignment(moved, closing, 'delete-vm');
    // `pending` is on its way to `waiting`: not missing yet.
    await openAssignment(pending, waiting, 'create-vm');
    await report(
      new Map<string, ReportedVm[]>([
        [missing, []],
        [stale, [{ id: moved, state: 'stopped', generation: 1 }]],
        [closing, [{ id: moved, state: 'stopped', generation: 1 }]],
        [unknown, [{ id: stranger, state: 'running' }]],
        [newer, [{ id: disputed, state: 'running', generation: 3 }]],
        [home, [{ id: moved, state: 'running', generation: 2 }, { id: disputed, state: 'running', generation: 1 }]],
        [deleting, []],
        [quiet, [{ id: held, state: 'running', generation: 1 }]],
        [waiting, []],
        [empty, []],
      ]),
    );

    const first = await pass();
    expect(first.summary).toEqual({ nodes: 10, actions: 3, flagged: 2 });
    expect(first.issued).toEqual([`create-vm ${lost} on ${missing}`, `delete-vm ${moved} on ${stale}`].sort());
    expect(await prisma.vm.findUniqueOrThrow({ where: { id: gone } })).toMatchObject({ status: 'deleted', nodeId: null });
    const reasons = async (vmId: string) => (await prisma.vmEvent.findMany({ where: { vmId, type: 'reconciled' } })).map((event) => `${event.reason}: ${event.message}`);
    expect(await reasons(lost)).toEqual([expect.stringMatching(new RegExp(`^recreated: Created again on node ${missing}: the node no longer holds the VM`))]);
    expect(await reasons(moved)).toEqual([expect.stringMatching(new RegExp(`^stale_copy_deleted: Node ${stale} still held a copy \\(the VM now runs on node ${home}\\)`))]);
    expect(await reasons(disputed)).toEqual([expect.stringMatching(new RegExp(`^reconcile_mismatch: Node ${newer} reports a copy .*generation 3, newer than the platform's 1`))]);
    for (const untouched of [held, pending]) expect(await reasons(untouched)).toEqual([]);
    for (const vmId of [held, pending, disputed]) expect((await prisma.vm.findUniqueOrThrow({ where: { id: vmId } })).status).not.toBe('deleted');

    // Everything repairable was repaired: the next pass only flags the same two mysteries again, without new events.
    const second = await pass();
    expect(second).toEqual({ summary: { nodes: 10, actions: 0, flagged: 2 }, issued: [] });
    expect(await reasons(disputed)).toHaveLength(1);
  });

  it('reconciles a fleet larger than one chunk, each node against its own VMs, across chunk boundaries', async () => {
    const count = 2 * RECONCILE_NODES_PER_CHUNK + 201;
    const nodes = await stack.addSmallNodes(count);
    const vms = await placeVms(nodes.map((nodeId) => ({ nodeId })));
    const reports = new Map<string, ReportedVm[]>();
    const expected: string[] = [];
    let flagged = 0;
    nodes.forEach((nodeId, i) => {
      const held: ReportedVm[] = [];
      // Some nodes lost their VM...
      if (i % 97 === 0) expected.push(`create-vm ${vms[i]} on ${nodeId}`);
      else held.push({ id: vms[i], state: 'running', generation: 1 });
      // ...some hold a stale copy of a VM that lives on a node in another chunk...
      if (i % 89 === 5) {
        const elsewhere = vms[(i + RECONCILE_NODES_PER_CHUNK + 100) % count];
        held.push({ id: elsewhere, state: 'stopped', generation: 1 });
        expected.push(`delete-vm ${elsewhere} on ${nodeId}`);
      }
      // ...and some report a VM nobody knows.
      if (i % 131 === 7) {
        held.push({ id: newId(), state: 'running' });
        flagged += 1;
      }
      reports.set(nodeId, held);
    });
    await report(reports);

    const { summary, issued } = await pass();
    expect(issued).toEqual(expected.sort());
    expect(summary).toEqual({ nodes: count, actions: expected.length, flagged });
  });

  it('reads a report again only until it is older than the newest report read by more than a heartbeat can be late', async () => {
    const [node] = await stack.addSmallNodes(1);
    const [lost] = await placeVms([{ nodeId: node }]);
    // A report that holds the VM: read, nothing to do; it is the newest read.
    await report(new Map([[node, [{ id: lost, state: 'running', generation: 1 }]]]));
    expect((await pass()).issued).toEqual([]);
    // Fresh (NODE_UNREACHABLE_AFTER_SECONDS is 60) but older than the newest report read, beyond the lateness allowed.
    await report(new Map([[node, []]]), REPORT_LATENESS_MS / 1000 + 20);
    expect(await pass()).toEqual({ summary: { nodes: 0, actions: 0, flagged: 0 }, issued: [] });
    // A heartbeat that commits late, stamped a little before the newest report read, is still read.
    await report(new Map([[node, []]]), REPORT_LATENESS_MS / 1000 / 2);
    expect(await pass()).toEqual({ summary: { nodes: 1, actions: 1, flagged: 0 }, issued: [`create-vm ${lost} on ${node}`] });
  });

  it('does not depend on the worker’s clock: one running ahead of the API hosts still reads their next reports', async () => {
    const [node] = await stack.addSmallNodes(1);
    const [lost] = await placeVms([{ nodeId: node }]);
    await report(new Map([[node, [{ id: lost, state: 'running', generation: 1 }]]]));
    await reconciler.reconcile(new Date(Date.now() + 30_000));
    // The node's next heartbeat, stamped by the API host's clock: newer than every report read, so read.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await report(new Map([[node, []]]));
    expect((await pass()).issued).toEqual([`create-vm ${lost} on ${node}`]);
  });
});
