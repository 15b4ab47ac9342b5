import { vmsCreate, type VmResponseDto } from '@statemesh/sdk';
import { newId } from '@statemesh/common';
import { NodeCapacityRepository } from '@statemesh/nodes';
import { PlacementRoundService } from '../../libs/compute/src/placement/placement-round.service';
import { send } from '../support/api-harness';
import { ComputeStack, type Tenant } from './compute-stack';

/**
 * Placement rounds against the real database, driven directly (no worker
 * runs here, so nothing else places these VMs): what stops a round from
 * over-committing a node when another writer raced it.
 */
describe('placement rounds', () => {
  let stack: ComputeStack;
  let tenant: Tenant;
  let rounds: PlacementRoundService;
  let capacity: NodeCapacityRepository;

  async function createVms(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const created = await send(
        vmsCreate({ client: tenant.client, path: { accountId: tenant.accountId }, body: { name: `round-${newId()}`, zone: 'eu-west', instanceType: 's1.small', image: 'ubuntu-24.04' } }),
      );
      expect(created.status).toBe(202);
      ids.push((created.data as { vm: VmResponseDto }).vm.id);
    }
    return ids;
  }

  async function allocatedVcpu(nodeId: string): Promise<number> {
    return (await stack.prisma.node.findUniqueOrThrow({ where: { id: nodeId } })).allocatedVcpu;
  }

  beforeAll(async () => {
    stack = await ComputeStack.start('rounds', { MIN_RUNWAY_HOURS: '0', EPOCH_SECONDS: '3600', NODE_UNREACHABLE_AFTER_SECONDS: '3600' });
    tenant = await stack.signupTenant('0');
    rounds = stack.api.app.get(PlacementRoundService);
    capacity = stack.api.app.get(NodeCapacityRepository);
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  }, 60_000);

  it('takes a node only for demand that fits what the database holds, however two rounds interleave', async () => {
    const [nodeId] = await stack.addSmallNodes(1);
    const demand = [{ nodeId, vcpu: 3, memoryMib: 1024, diskGib: 10 }];

    // One round holds the row: the other leaves the node alone instead of queueing on it.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let first!: Promise<unknown>;
    const taken = new Promise<boolean>((resolve) => {
      first = stack.prisma.$transaction(async (tx) => {
        resolve((await capacity.reserveRound(demand, tx)).get(nodeId)!.reserved);
        await held;
      });
    });
    expect(await taken).toBe(true);
    const whileHeld = await stack.prisma.$transaction((tx) => capacity.reserveRound(demand, tx));
    expect(whileHeld.get(nodeId)).toMatchObject({ reserved: false });
    release();
    await first;

    // Committed: 3 of 4 vCPUs are taken, so another 3 do not fit, whatever the other round believed.
    const after = await stack.prisma.$transaction((tx) => capacity.reserveRound(demand, tx));
    expect(after.get(nodeId)).toMatchObject({ reserved: false, node: { allocated: { vcpu: 3 } } });

    // Racing for real: of two rounds that each fit alone, exactly one takes the node.
    await stack.prisma.node.update({ where: { id: nodeId }, data: { allocatedVcpu: 0, allocatedMemoryMib: 0, allocatedDiskGib: 0 } });
    const raced = await Promise.all([1, 2].map(() => stack.prisma.$transaction((tx) => capacity.reserveRound(demand, tx))));
    const winners = raced.filter((answer) => answer.get(nodeId)!.reserved);
    expect(winners).toHaveLength(1);
    expect(await allocatedVcpu(nodeId)).toBe(3);
  });

  it('leaves a node that filled behind its back alone, and places its VMs on the next round elsewhere, never over capacity', async () => {
    await stack.prisma.node.updateMany({ data: { eligible: false } });
    const [first, second] = await stack.addSmallNodes(2);
    // The round's view of the nodes: both empty.
    await rounds.run(new Map(), 10);
    // Another writer fills the node binpack would choose, outside the round lock and with a timestamp from long ago:
    // the round's view is now wrong, and only the database can tell.
    await stack.prisma.$executeRaw`UPDATE nodes SET "allocatedVcpu" = 4, "allocatedMemoryMib" = 8192, "updatedAt" = now() - interval '1 hour' WHERE id = ${first}`;

    const vmIds = await createVms(4);
    const refused = await rounds.run(new Map(vmIds.map((id) => [id, undefined])), 10);
    expect(refused).toMatchObject({ claimed: 4, placed: 0, unschedulable: 0, deferred: 4 });
    expect([...refused.outcomes.values()]).toEqual(Array(4).fill({ result: 'deferred' }));
    expect(await allocatedVcpu(first)).toBe(4);
    expect(await stack.prisma.vm.count({ where: { id: { in: vmIds }, status: 'pending' } })).toBe(4);

    // The refusal told the round what the node really holds: the next round puts the VMs where they fit.
    const placed = await rounds.run(new Map(vmIds.map((id) => [id, undefined])), 10);
    expect(placed).toMatchObject({ claimed: 4, placed: 4, deferred: 0 });
    expect([...placed.outcomes.values()]).toEqual(Array(4).fill({ result: 'placed', nodeId: second }));
    expect(await allocatedVcpu(first)).toBe(4);
    expect(await allocatedVcpu(second)).toBe(4);
    const history = await stack.prisma.vmStatusChange.findMany({ where: { vmId: { in: vmIds }, status: 'scheduled' } });
    expect(history.map((change) => [change.nodeId, change.changedAt.getTime() > 0])).toEqual(Array(4).fill([second, true]));
    expect(await stack.prisma.assignment.count({ where: { vmId: { in: vmIds }, nodeId: second, action: 'create-vm' } })).toBe(4);
  });

  it('judges VMs that fit nowhere unschedulable in the round, with the explanation, an event and a retry', async () => {
    await stack.prisma.node.updateMany({ data: { eligible: false } });
    const [only] = await stack.addSmallNodes(1);
    const vmIds = await createVms(6);
    const report = await rounds.run(new Map(vmIds.map((id, i) => [id, i === 5 ? 2 : undefined])), 10);
    expect(report).toMatchObject({ claimed: 6, placed: 4, unschedulable: 2, deferred: 0 });
    const waiting = await stack.prisma.vm.findMany({ where: { id: { in: vmIds }, status: 'unschedulable' }, orderBy: { id: 'asc' } });
    expect(waiting.map((vm) => vm.id).sort()).toEqual(vmIds.slice(4).sort());
    for (const vm of waiting) {
      expect(vm.statusReason).toMatch(/free vCPUs/);
      expect(vm.placement).toMatchObject({ chosenNodeId: null, feasible: 0, rejected: { vcpu: 1 } });
      expect(await stack.prisma.vmEvent.count({ where: { vmId: vm.id, reason: 'unschedulable' } })).toBe(1);
    }
    // The retry of each: after attempt 0 the first back-off, after attempt 2 the third.
    const retries = await stack.prisma.outboxMessage.findMany({ where: { jobId: { in: vmIds.slice(4).map((id, i) => `placement.place-vm.place-${id}-retry-${i === 1 ? 3 : 1}`) } } });
    expect(retries).toHaveLength(2);
    expect(await allocatedVcpu(only)).toBe(4);
  });
});
