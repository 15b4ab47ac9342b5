import {
  adminEpochsCurrent,
  adminNodesGet,
  adminNodesJail,
  adminNodesList,
  adminNodesUnjail,
  adminNodesVerifyChain,
  agentProofsChallenge,
  agentProofsSubmit,
  nodeProofsList,
  nodesDecommission,
  nodesGet,
  nodesList,
  nodesRegister,
  tokensCreate,
} from '@statemesh/sdk';
import { PrismaService } from '@statemesh/database';
import { NodeCapacityRepository } from '@statemesh/nodes';
import { send, startApi, type ApiHarness, type SdkClient } from '../support/api-harness';
import {
  TIME_TOWER_TEST_ENV,
  nodeSpec,
  openSession,
  proveChallenge,
  registerNode,
  signInAdmin,
  signupOperator,
  sleep,
  type Operator,
} from './time-tower-fixtures';

describe('nodes: registration, operators and admins', () => {
  let api: ApiHarness;
  let admin: SdkClient;
  let operator: Operator;

  beforeAll(async () => {
    api = await startApi({ ...TIME_TOWER_TEST_ENV, ADMIN_EMAIL: `admin-nodes-${process.pid}@example.test` });
    admin = await signInAdmin(api);
    operator = await signupOperator(api);
  });

  afterAll(async () => {
    await api.close();
  });

  it('registers a node as a candidate with its capacity, nothing allocated and no standing yet', async () => {
    const { body } = nodeSpec({ capacity: { vcpu: 32, memoryMib: 131072, diskGib: 2000, gpus: [{ model: 'nvidia-l4', count: 2 }] }, address: '203.0.113.7' });
    const created = await send(nodesRegister({ client: operator.client, path: { accountId: operator.accountId }, body }));
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"v1"');
    expect(created.data).toMatchObject({
      accountId: operator.accountId,
      name: body.name,
      zone: 'eu-west',
      class: 'datacenter',
      arch: 'x86_64',
      virtualization: true,
      address: '203.0.113.7',
      publicKey: body.publicKey,
      capacity: { vcpu: 32, memoryMib: 131072, diskGib: 2000, gpus: [{ model: 'nvidia-l4', count: 2 }] },
      allocated: { vcpu: 0, memoryMib: 0, diskGib: 0, gpus: [] },
      free: { vcpu: 32, memoryMib: 131072, diskGib: 2000 },
      status: 'candidate',
      lastSeenAt: null,
      usage: null,
      epochStanding: { eligible: false, consecutiveGoodEpochs: 0, epochsToActivate: 1, jailReason: null, lastEpoch: null },
    });

    const fetched = await send(nodesGet({ client: operator.client, path: { accountId: operator.accountId, nodeId: created.data!.id } }));
    expect(fetched.status).toBe(200);
    expect(fetched.headers.get('etag')).toBe('"v1"');
    const listed = await send(nodesList({ client: operator.client, path: { accountId: operator.accountId } }));
    expect(listed.data!.items.map((node) => node.id)).toContain(created.data!.id);
  });

  it('names every field below the minimum hardware requirement (422)', async () => {
    const { body } = nodeSpec({ capacity: { vcpu: 1, memoryMib: 2048, diskGib: 50 } });
    const refused = await send(nodesRegister({ client: operator.client, path: { accountId: operator.accountId }, body }));
    expect(refused.status).toBe(422);
    expect(refused.error).toMatchObject({ code: 'node.below_minimum_hardware' });
    expect((refused.error as { errors: Array<{ field: string }> }).errors.map((error) => error.field)).toEqual(['capacity.vcpu', 'capacity.memoryMib']);
  });

  it('refuses malformed registrations, duplicate names and shared keys', async () => {
    const bad = await send(nodesRegister({
      client: operator.client,
      path: { accountId: operator.accountId },
      body: { ...nodeSpec().body, class: 'mainframe' as 'edge', zone: 'EU West', extra: 1 } as never,
    }));
    expect(bad.status).toBe(400);
    expect((bad.error as { errors: Array<{ field: string }> }).errors.map((error) => error.field).sort()).toEqual(['class', 'extra', 'zone']);

    const notAKey = await send(nodesRegister({ client: operator.client, path: { accountId: operator.accountId }, body: { ...nodeSpec().body, publicKey: 'AAAA' } }));
    expect(notAKey.status).toBe(422);
    expect(notAKey.error).toMatchObject({ code: 'node.invalid_public_key' });

    const first = nodeSpec();
    expect((await send(nodesRegister({ client: operator.client, path: { accountId: operator.accountId }, body: first.body }))).status).toBe(201);
    const sameName = await send(nodesRegister({ client: operator.client, path: { accountId: operator.accountId }, body: { ...nodeSpec().body, name: first.body.name } }));
    expect(sameName.status).toBe(409);
    expect(sameName.error).toMatchObject({ code: 'node.name_taken' });
    const sameKey = await send(nodesRegister({ client: operator.client, path: { accountId: operator.accountId }, body: { ...nodeSpec().body, publicKey: first.body.publicKey } }));
    expect(sameKey.status).toBe(409);
    expect(sameKey.error).toMatchObject({ code: 'node.public_key_taken' });
  });

  it('hides nodes from other tenants (404) and checks token scopes (403)', async () => {
    const node = await registerNode(operator);
    const stranger = await signupOperator(api);
    const foreign = await send(nodesGet({ client: stranger.client, path: { accountId: operator.accountId, nodeId: node.id } }));
    expect(foreign.status).toBe(404);
    const wrongAccount = await send(nodesGet({ client: stranger.client, path: { accountId: stranger.accountId, nodeId: node.id } }));
    expect(wrongAccount.status).toBe(404);

    const reader = await send(tokensCreate({ client: operator.client, path: { accountId: operator.accountId }, body: { name: 'r', scopes: ['nodes:read'] } }));
    const readerClient = api.client(reader.data!.token);
    expect((await send(nodesGet({ client: readerClient, path: { accountId: operator.accountId, nodeId: node.id } }))).status).toBe(200);
    const write = await send(nodesRegister({ client: readerClient, path: { accountId: operator.accountId }, body: nodeSpec().body }));
    expect(write.status).toBe(403);
    expect(write.error).toMatchObject({ code: 'auth.insufficient_scope' });

    const denied = await send(adminNodesList({ client: operator.client }));
    expect(denied.status).toBe(403);
  });

  it('decommissions a node with nothing on it at once, and drains one with VMs until they are gone', async () => {
    const idle = await registerNode(operator);
    const gone = await send(nodesDecommission({ client: operator.client, path: { accountId: operator.accountId, nodeId: idle.id } }));
    expect(gone.status).toBe(202);
    expect(gone.data).toMatchObject({ status: 'decommissioned', epochStanding: { eligible: false } });
    expect(gone.data!.decommissionedAt).not.toBeNull();

    // Capacity is reserved by the compute capability; do it through the same repository here.
    const busy = await registerNode(operator);
    const prisma = api.app.get(PrismaService);
    await prisma.node.update({ where: { id: busy.id }, data: { status: 'active', eligible: true } });
    const capacity = api.app.get(NodeCapacityRepository);
    expect(await capacity.reserve(busy.id, { vcpu: 4, memoryMib: 8192, diskGib: 40 })).toBe(true);

    const draining = await send(nodesDecommission({ client: operator.client, path: { accountId: operator.accountId, nodeId: busy.id } }));
    expect(draining.data).toMatchObject({ status: 'draining', allocated: { vcpu: 4 }, epochStanding: { eligible: false } });
    // No new placements on a draining node.
    expect(await capacity.reserve(busy.id, { vcpu: 1, memoryMib: 1, diskGib: 1 })).toBe(false);
    expect(await capacity.release(busy.id, { vcpu: 4, memoryMib: 8192, diskGib: 40 })).toBe(true);
    await send(nodesDecommission({ client: operator.client, path: { accountId: operator.accountId, nodeId: busy.id } }));
    const after = await send(nodesGet({ client: operator.client, path: { accountId: operator.accountId, nodeId: busy.id } }));
    expect(after.data!.status).toBe('decommissioned');
  });

  it('never over-commits a node, however many reservations race', async () => {
    const node = await registerNode(operator, { capacity: { vcpu: 8, memoryMib: 16384, diskGib: 100 } });
    await api.app.get(PrismaService).node.update({ where: { id: node.id }, data: { status: 'active', eligible: true } });
    const capacity = api.app.get(NodeCapacityRepository);
    const results = await Promise.all(Array.from({ length: 12 }, () => capacity.reserve(node.id, { vcpu: 1, memoryMib: 2048, diskGib: 10 })));
    expect(results.filter(Boolean)).toHaveLength(8);
    const row = await api.app.get(PrismaService).node.findUniqueOrThrow({ where: { id: node.id } });
    expect(row).toMatchObject({ allocatedVcpu: 8, allocatedMemoryMib: 16384, allocatedDiskGib: 80 });
    // The CHECK constraint stops any path that ignores capacity.
    await expect(api.app.get(PrismaService).node.update({ where: { id: node.id }, data: { allocatedVcpu: 9 } })).rejects.toThrow(/nodes_allocated_vcpu_within_capacity/);
  });

  it('lets admins list and filter every node, jail and unjail', async () => {
    const other = await signupOperator(api);
    const edge = await registerNode(other, { class: 'edge', zone: 'us-east', capacity: { vcpu: 4, memoryMib: 8192, diskGib: 100 } });
    const big = await registerNode(other, { class: 'bare-metal', zone: 'us-east', capacity: { vcpu: 96, memoryMib: 393216, diskGib: 8000 } });

    const byAccount = await send(adminNodesList({ client: admin, query: { accountId: other.accountId } }));
    expect(byAccount.data!.items.map((node) => node.id).sort()).toEqual([edge.id, big.id].sort());
    const edges = await send(adminNodesList({ client: admin, query: { accountId: other.accountId, class: 'edge' } }));
    expect(edges.data!.items.map((node) => node.id)).toEqual([edge.id]);
    const roomy = await send(adminNodesList({ client: admin, query: { zone: 'us-east', minFreeVcpu: 64, minFreeMemoryMib: 300000 } }));
    expect(roomy.data!.items.map((node) => node.id)).toContain(big.id);
    expect(roomy.data!.items.map((node) => node.id)).not.toContain(edge.id);
    const roomyBareMetal = await send(adminNodesList({ client: admin, query: { accountId: other.accountId, class: 'bare-metal', status: 'candidate', minFreeDiskGib: 1000 } }));
    expect(roomyBareMetal.data!.items.map((node) => node.id)).toEqual([big.id]);
    const paged = await send(adminNodesList({ client: admin, query: { accountId: other.accountId, limit: 1 } }));
    expect(paged.data!.items).toHaveLength(1);
    const rest = await send(adminNodesList({ client: admin, query: { accountId: other.accountId, limit: 1, cursor: paged.data!.nextCursor! } }));
    expect(rest.data!.items).toHaveLength(1);
    expect(rest.data!.nextCursor).toBeNull();

    const jailed = await send(adminNodesJail({ client: admin, path: { nodeId: big.id }, body: { note: 'abuse report' } }));
    expect(jailed.status).toBe(200);
    expect(jailed.data).toMatchObject({ status: 'jailed', epochStanding: { jailReason: 'admin', jailedUntilEpoch: null, eligible: false } });
    const inJail = await send(adminNodesList({ client: admin, query: { accountId: other.accountId, status: 'jailed' } }));
    expect(inJail.data!.items.map((node) => node.id)).toEqual([big.id]);

    const released = await send(adminNodesUnjail({ client: admin, path: { nodeId: big.id } }));
    expect(released.data!.status).toBe('candidate');
    const again = await send(adminNodesUnjail({ client: admin, path: { nodeId: big.id } }));
    expect(again.status).toBe(409);
    expect(again.error).toMatchObject({ code: 'node.not_jailed' });
    expect((await send(adminNodesGet({ client: admin, path: { nodeId: 'nonexistent00000000' } }))).status).toBe(404);
  });

  it('lists a node’s proof chain and detects a stored proof that was edited', async () => {
    const node = await registerNode(operator);
    const token = await openSession(api, node);
    const agent = api.client(token);
    for (let accepted = 0; accepted < 3; ) {
      const challenge = await send(agentProofsChallenge({ client: agent }));
      if (challenge.data!.notBefore) await sleep(Math.max(0, new Date(challenge.data!.notBefore).getTime() - Date.now()) + 5);
      const submitted = await send(agentProofsSubmit({ client: agent, body: proveChallenge(challenge.data!) }));
      // An epoch may close between challenge and submission; an honest agent simply asks again.
      if (submitted.status === 201) accepted += 1;
      else expect(submitted.error).toMatchObject({ code: 'proof.stale_epoch' });
    }

    const proofs = await send(nodeProofsList({ client: operator.client, path: { accountId: operator.accountId, nodeId: node.id } }));
    expect(proofs.data!.items.map((proof) => proof.sequence)).toEqual([2, 1, 0]);
    expect(proofs.data!.items[0].previousHash).toBe(proofs.data!.items[1].hash);
    expect(proofs.data!.items[2].previousHash).toBe('0'.repeat(64));
    const page = await send(nodeProofsList({ client: operator.client, path: { accountId: operator.accountId, nodeId: node.id }, query: { limit: 2 } }));
    const next = await send(nodeProofsList({ client: operator.client, path: { accountId: operator.accountId, nodeId: node.id }, query: { limit: 2, cursor: page.data!.nextCursor! } }));
    expect(next.data!.items.map((proof) => proof.sequence)).toEqual([0]);

    const intact = await send(adminNodesVerifyChain({ client: admin, path: { nodeId: node.id } }));
    expect(intact.data).toEqual({ nodeId: node.id, intact: true, entries: 3, brokenAtSequence: null, problem: null });

    // Someone with database access rewrites the output of the middle proof.
    const prisma = api.app.get(PrismaService);
    const middle = await prisma.nodeProof.findUniqueOrThrow({ where: { nodeId_sequence: { nodeId: node.id, sequence: 1 } } });
    await prisma.$executeRaw`UPDATE node_proofs SET output = ${'1'.padStart(512, '0')} WHERE "nodeId" = ${node.id} AND sequence = 1`;
    const broken = await send(adminNodesVerifyChain({ client: admin, path: { nodeId: node.id } }));
    expect(broken.data).toMatchObject({ intact: false, brokenAtSequence: 1 });

    // Re-hashing the edited entry does not help: the next entry no longer links to it.
    await prisma.$executeRaw`UPDATE node_proofs SET hash = ${'f'.repeat(64)} WHERE "nodeId" = ${node.id} AND sequence = 1`;
    expect((await send(adminNodesVerifyChain({ client: admin, path: { nodeId: node.id } }))).data).toMatchObject({ intact: false, brokenAtSequence: 1 });
    await prisma.$executeRaw`UPDATE node_proofs SET output = ${middle.output}, hash = ${middle.hash} WHERE "nodeId" = ${node.id} AND sequence = 1`;
    expect((await send(adminNodesVerifyChain({ client: admin, path: { nodeId: node.id } }))).data!.intact).toBe(true);
  });

  it('shows admins the open epoch', async () => {
    const current = await send(adminEpochsCurrent({ client: admin }));
    expect(current.status).toBe(200);
    expect(current.data).toMatchObject({ status: 'open', closedAt: null, nextSeed: null });
    expect(current.data!.seed).toMatch(/^[0-9a-f]{64}$/);
  });
});
