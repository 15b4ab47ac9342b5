import { adminEpochsGet, adminNodesGet, nodesDecommission, type NodeResponseDto } from '@statemesh/sdk';
import { generateNodeKey, loadPrivateKey } from '@statemesh/agent-protocol';
import { PrismaService } from '@statemesh/database';
import { EpochTick, EpochsService, NodeCapacityRepository } from '@statemesh/nodes';
import { NodeAgent, SimulatorDriver, startSimulatedFleet, type NodeAgentOptions } from '../../apps/node-agent/src';
import { send, startApi, type ApiHarness, type SdkClient } from '../support/api-harness';
import { TIME_TOWER_TEST_ENV, eventually, registerNode, signInAdmin, signupOperator, sleep, type Operator, type RegisteredNode } from './time-tower-fixtures';

const EPOCH_MS = Number(TIME_TOWER_TEST_ENV.EPOCH_SECONDS) * 1000;
// These tests wait for epochs to pass.
jest.setTimeout(45_000);

/** Stands in for the worker's repeating job: runs the epoch tick every 250 ms until stopped. */
function startTicker(api: ApiHarness): { stop(): Promise<void> } {
  let running = true;
  const tick = api.app.get(EpochTick);
  const loop = (async () => {
    while (running) {
      await tick.run();
      await sleep(250);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
  };
}

describe('the Time Tower with real agents', () => {
  let api: ApiHarness;
  let admin: SdkClient;
  let operator: Operator;

  const agentTiming: Partial<NodeAgentOptions> = {
    reconnect: { initialMs: 100, maxMs: 500 },
    assignmentsUnavailableMs: { initialMs: 5_000, maxMs: 5_000 },
    requestTimeoutMs: 5_000,
  };

  function startAgent(node: RegisteredNode): NodeAgent {
    const agent = new NodeAgent({ ...agentTiming, apiUrl: api.baseUrl, nodeId: node.id, privateKey: node.privateKey, driver: new SimulatorDriver({ bootDelayMs: 50 }) });
    agent.start();
    return agent;
  }

  async function nodeView(nodeId: string): Promise<NodeResponseDto> {
    return (await send(adminNodesGet({ client: admin, path: { nodeId } }))).data!;
  }

  async function openEpoch(): Promise<number> {
    return (await api.app.get(EpochsService).current()).number;
  }

  beforeAll(async () => {
    api = await startApi({ ...TIME_TOWER_TEST_ENV, ADMIN_EMAIL: `admin-tower-${process.pid}@example.test` });
    admin = await signInAdmin(api);
    operator = await signupOperator(api);
  });

  afterAll(async () => {
    await api.close();
  });

  it('activates a node within two epochs, takes it out when it goes silent, and lets it recover through candidate', async () => {
    const ticker = startTicker(api);
    const node = await registerNode(operator);
    let agent = startAgent(node);
    try {
      const firstEpoch = await openEpoch();
      const active = await eventually('the node to become active', async () => {
        const view = await nodeView(node.id);
        return view.status === 'active' && view.epochStanding.eligible ? view : undefined;
      }, 3 * EPOCH_MS + 2_000, 100);
      const activatedIn = (await openEpoch()) - firstEpoch;
      expect(activatedIn).toBeLessThanOrEqual(2);
      expect(active.lastSeenAt).not.toBeNull();
      expect(active.epochStanding.lastEpoch).toMatchObject({ statusAfter: 'active', eligibleAfter: true, invalidProofs: 0 });
      expect(agent.stats.proofsRejected).toBe(0);
      // The epoch that activated it names it in the eligible set it fixed.
      const closed = await send(adminEpochsGet({ client: admin, path: { number: String(active.epochStanding.lastEpoch!.epoch) as unknown as number } }));
      expect(closed.data!.eligibleNodeIds).toContain(node.id);

      await agent.stop();
      const seen = new Set<string>();
      await eventually('the silent node to be unreachable', async () => {
        const view = await nodeView(node.id);
        seen.add(view.status);
        return view.status === 'unreachable' && !view.epochStanding.eligible ? view : undefined;
      }, 3 * EPOCH_MS, 100);
      const jailed = await eventually('the long-absent node to be jailed', async () => {
        const view = await nodeView(node.id);
        seen.add(view.status);
        return view.status === 'jailed' ? view : undefined;
      }, 4 * EPOCH_MS, 100);
      expect(jailed.epochStanding).toMatchObject({ jailReason: 'absence', eligible: false });
      expect(jailed.epochStanding.jailedUntilEpoch).toBeGreaterThanOrEqual(jailed.epochStanding.currentEpoch! - 1);

      agent = startAgent(node);
      await eventually('the node to be a candidate again', async () => ((await nodeView(node.id)).status === 'candidate' ? true : undefined), 4 * EPOCH_MS, 100);
      await eventually('the node to be active again', async () => {
        const view = await nodeView(node.id);
        return view.status === 'active' && view.epochStanding.eligible ? view : undefined;
      }, 3 * EPOCH_MS + 2_000, 100);

      // The epoch-by-epoch record tells the whole story.
      const history = await api.app.get(PrismaService).nodeEpochRecord.findMany({ where: { nodeId: node.id, closedAt: { not: null } }, orderBy: { epoch: 'asc' } });
      const statuses = history.map((record) => record.statusAfter).filter((status, index, all) => status !== all[index - 1]);
      expect(statuses.slice(statuses.indexOf('jailed'))).toEqual(['jailed', 'candidate', 'active']);
      expect(statuses.indexOf('active')).toBeLessThan(statuses.indexOf('jailed'));
    } finally {
      await agent.stop();
      await ticker.stop();
    }
  });

  it('runs a simulated fleet whose edge node never takes a VM', async () => {
    const ticker = startTicker(api);
    const fleet = await startSimulatedFleet({
      apiUrl: api.baseUrl,
      adminEmail: api.config.admin.email,
      adminPassword: api.config.admin.password,
      simulator: { bootDelayMs: 50 },
      agent: agentTiming,
    });
    try {
      expect(fleet.nodes.map((node) => [node.zone, node.class])).toEqual([
        ['eu-west', 'bare-metal'],
        ['us-east', 'datacenter'],
        ['eu-west', 'edge'],
      ]);
      await eventually('every fleet node to be active', async () => {
        const views = await Promise.all(fleet.nodes.map((node) => nodeView(node.id)));
        return views.every((view) => view.status === 'active' && view.epochStanding.eligible) ? views : undefined;
      }, 3 * EPOCH_MS + 2_000, 100);

      const capacity = api.app.get(NodeCapacityRepository);
      const [bareMetal, , edge] = fleet.nodes;
      const vm = { vcpu: 2, memoryMib: 4096, diskGib: 20 };
      expect(await capacity.reserve(edge.id, vm)).toBe(false);
      expect(await capacity.reserve(bareMetal.id, vm)).toBe(true);
      expect(await capacity.release(bareMetal.id, vm)).toBe(true);
      const placeable = (await capacity.listForPlacement({ zone: 'eu-west' })).filter((node) => fleet.nodes.some((own) => own.id === node.id));
      expect(placeable.map((node) => node.class).sort()).toEqual(['bare-metal', 'edge']);
    } finally {
      await fleet.stop();
      await ticker.stop();
    }
  });

  it('has an agent give up when the API refuses its node for good: a wrong key, a decommissioned node', async () => {
    const node = await registerNode(operator);
    const impostor = startAgent({ ...node, privateKey: loadPrivateKey(generateNodeKey().privateKeyPem) });
    await impostor.whenStopped();
    expect(impostor.refused?.message).toContain('not the key');
    expect(impostor.stats.heartbeatsSent).toBe(0);

    const agent = startAgent(node);
    await eventually('a heartbeat', async () => (agent.stats.heartbeatsSent > 0 ? true : undefined));
    await send(nodesDecommission({ client: operator.client, path: { accountId: operator.accountId, nodeId: node.id } }));
    await agent.whenStopped();
    expect(agent.refused?.message).toContain('decommissioned');
    await agent.stop();
  });

  it('closes each epoch exactly once when several workers close concurrently', async () => {
    const second = await startApi(TIME_TOWER_TEST_ENV);
    try {
      const workers = [api.app.get(EpochsService), second.app.get(EpochsService)];
      const prisma = api.app.get(PrismaService);
      // A node without an agent: every close counts one more epoch of absence, exactly once.
      const silent = await registerNode(await signupOperator(api));
      await sleep(2_100);
      const before = await prisma.node.findUniqueOrThrow({ where: { id: silent.id } });
      const closedNumbers: number[] = [];
      for (let round = 0; round < 3; round++) {
        const open = await workers[0].current();
        await sleep(Math.max(0, open.endsAt.getTime() - Date.now()) + 10);
        const results = await Promise.all([0, 1, 0, 1].map((index) => workers[index].closeDueEpochs(new Date())));
        const closed = results.flat().map((epoch) => epoch.number);
        expect(closed).toEqual([open.number]);
        closedNumbers.push(...closed);
      }
      const after = await prisma.node.findUniqueOrThrow({ where: { id: silent.id } });
      expect(after.absentEpochs - before.absentEpochs).toBe(3);
      const rows = await prisma.epoch.findMany({ where: { number: { gte: closedNumbers[0] } }, orderBy: { number: 'asc' } });
      expect(rows.map((row) => row.number)).toEqual([...closedNumbers, closedNumbers[2] + 1]);
      expect(rows.filter((row) => row.closedAt === null)).toHaveLength(1);
      for (const [index, row] of rows.slice(0, -1).entries()) {
        // The seed each close fixed is the seed of the epoch it opened.
        expect(rows[index + 1].seed).toBe(row.nextSeed);
      }
      expect(await prisma.nodeEpochRecord.count({ where: { nodeId: silent.id, epoch: { in: closedNumbers } } })).toBe(3);
    } finally {
      await second.close();
    }
  });
});
