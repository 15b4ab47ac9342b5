import {
  accountImagesCapture,
  accountImagesDelete,
  accountImagesList,
  adminGatewayTokensIssue,
  catalogListImages,
  gatewayRoutesGet,
  nodesDecommission,
  nodesGet,
  vmsCreate,
  vmsDelete,
  vmsEvents,
  vmsGet,
  vmsReset,
  vmsStart,
  vmsStop,
  vmsUpdate,
  vmsWait,
  volumesAttach,
  volumesCreate,
  volumesDetach,
  volumesGet,
  type CreateVmDto,
  type VmEventDto,
  type VmResponseDto,
} from '@statemesh/sdk';
import { eventually } from '../nodes/time-tower-fixtures';
import { send } from '../support/api-harness';
import { ComputeStack, type StackNode, type Tenant } from './compute-stack';

const UNREACHABLE_SECONDS = 5;
const GRACE_SECONDS = 4;

/**
 * Self-healing with the real API, a real worker and simulated node agents:
 * node loss with fencing, drains, crash loops with back-off, health checks,
 * transient VMs and restart schedules.
 */
describe('self-healing', () => {
  let stack: ComputeStack;
  let tenant: Tenant;
  let names = 0;
  /** VMs seen running on two nodes' hypervisors at the same moment. */
  const doubleRuns: string[] = [];
  let sampler: NodeJS.Timeout | undefined;

  const body = (overrides: Partial<CreateVmDto> = {}): CreateVmDto => {
    names += 1;
    return { name: `heal${names}`, zone: 'eu-west', instanceType: 's1.small', image: 'ubuntu-24.04', ...overrides };
  };

  async function createRunning(overrides: Partial<CreateVmDto> = {}): Promise<VmResponseDto> {
    const created = await send(vmsCreate({ client: tenant.client, path: { accountId: tenant.accountId }, body: body(overrides) }));
    expect(created.status).toBe(202);
    return waitFor((created.data as { vm: VmResponseDto }).vm.id, 'running');
  }

  async function waitFor(vmId: string, status: VmResponseDto['status'], timeoutSeconds = 20): Promise<VmResponseDto> {
    const waited = await send(vmsWait({ client: tenant.client, path: { accountId: tenant.accountId, vmId }, query: { status, timeoutSeconds } }));
    if (waited.status !== 200) throw new Error(`VM ${vmId} did not reach ${status}: ${JSON.stringify(waited.error)}`);
    return waited.data!;
  }

  async function getVm(vmId: string): Promise<VmResponseDto> {
    return (await send(vmsGet({ client: tenant.client, path: { accountId: tenant.accountId, vmId } }))).data!;
  }

  async function events(vmId: string): Promise<VmEventDto[]> {
    return (await send(vmsEvents({ client: tenant.client, path: { accountId: tenant.accountId, vmId }, query: { limit: 200 } }))).data!.items;
  }

  function nodeOf(vm: VmResponseDto): StackNode {
    return stack.nodes.find((node) => node.id === vm.nodeId)!;
  }

  async function simulated(node: StackNode, vmId: string) {
    return (await node.driver.listVms()).find((vm) => vm.vmId === vmId);
  }

  /** Waits until the VM runs on its node's simulated hypervisor (not just in the record). */
  async function runningOnDriver(vmId: string): Promise<VmResponseDto> {
    return eventually(`VM ${vmId} running on its hypervisor`, async () => {
      const vm = await getVm(vmId);
      if (vm.status !== 'running' || !vm.nodeId) return undefined;
      return (await simulated(nodeOf(vm), vmId))?.state === 'running' ? vm : undefined;
    });
  }

  beforeAll(async () => {
    stack = await ComputeStack.start('healing', {
      NODE_UNREACHABLE_AFTER_SECONDS: String(UNREACHABLE_SECONDS),
      NODE_LOSS_GRACE_SECONDS: String(GRACE_SECONDS),
      RECONCILE_INTERVAL_SECONDS: '0.5',
      RESTART_BACKOFF_INITIAL_SECONDS: '0.5',
      RESTART_BACKOFF_MAX_SECONDS: '8',
      CRASH_LOOP_THRESHOLD: '4',
    });
    await stack.startWorker();
    const nodes = [await stack.addNode(), await stack.addNode({ class: 'bare-metal' }), await stack.addNode()];
    await stack.untilEligible(nodes, 60_000);
    tenant = await stack.signupTenant();
    // Sampled all along: no VM may ever run on two hypervisors at once.
    sampler = setInterval(() => {
      void (async () => {
        const runningOn = new Map<string, number>();
        for (const node of stack.nodes) {
          for (const vm of await node.driver.listVms()) if (vm.state === 'running') runningOn.set(vm.vmId, (runningOn.get(vm.vmId) ?? 0) + 1);
        }
        for (const [vmId, count] of runningOn) if (count > 1) doubleRuns.push(vmId);
      })();
    }, 20);
  }, 120_000);

  afterAll(async () => {
    if (sampler) clearInterval(sampler);
    await stack?.close();
  });

  afterEach(() => {
    expect(doubleRuns).toEqual([]);
  });

  it('moves the VMs of a lost node elsewhere, keeps platform volumes attached, loses local ones, and the old node destroys its stale copies', async () => {
    // VMs on one node: the one to lose. (Bin-packing fills it first, but a stale placement snapshot may spread a few.)
    const created = [await createRunning({ ports: [{ protocol: 'https', targetPort: 443 }] })];
    const lostNode = nodeOf(created[0]);
    while (created.filter((vm) => vm.nodeId === lostNode.id).length < 3 && created.length < 10) created.push(await createRunning({ ports: [{ protocol: 'tcp', targetPort: 5432 }] }));
    const onLostNode = created.filter((vm) => vm.nodeId === lostNode.id);
    expect(onLostNode.length).toBeGreaterThanOrEqual(3);
    const [first, second, pinned] = onLostNode;
    const platformVolume = await send(volumesCreate({ client: tenant.client, path: { accountId: tenant.accountId }, body: { name: 'shared-data', zone: 'eu-west', provider: 'statemesh', sizeGib: 10 } }));
    expect(platformVolume.status).toBe(201);
    expect((await send(volumesAttach({ client: tenant.client, path: { accountId: tenant.accountId, volumeId: platformVolume.data!.id }, body: { vmId: first.id } }))).status).toBe(200);
    const localVolume = await send(volumesCreate({ client: tenant.client, path: { accountId: tenant.accountId }, body: { name: 'scratch', zone: 'eu-west', provider: 'local', nodeId: lostNode.id, sizeGib: 10 } }));
    expect(localVolume.status).toBe(201);
    expect((await send(volumesAttach({ client: tenant.client, path: { accountId: tenant.accountId, volumeId: localVolume.data!.id }, body: { vmId: pinned.id } }))).status).toBe(200);
    await runningOnDriver(first.id);
    await runningOnDriver(second.id);

    const killedAt = Date.now();
    await lostNode.agent!.stop();

    const moved = await Promise.all(
      [first, second].map((vm) =>
        eventually(
          `VM ${vm.name} running on another node`,
          async () => {
            const now = await getVm(vm.id);
            return now.status === 'running' && now.nodeId && now.nodeId !== lostNode.id ? now : undefined;
          },
          (UNREACHABLE_SECONDS + GRACE_SECONDS + 10) * 1000,
        ),
      ),
    );
    // Unreachable after UNREACHABLE_SECONDS, lost after the grace period, running elsewhere within 10 s more.
    expect(Date.now() - killedAt).toBeLessThan((UNREACHABLE_SECONDS + GRACE_SECONDS + 10) * 1000);
    expect(moved[0].entrypoints.map((entrypoint) => entrypoint.fqdn)).toEqual(first.entrypoints.map((entrypoint) => entrypoint.fqdn));
    expect(moved[1].entrypoints.map((entrypoint) => entrypoint.fqdn)).toEqual(second.entrypoints.map((entrypoint) => entrypoint.fqdn));
    const reasons = (await events(first.id)).map((event) => event.reason);
    expect(reasons).toEqual(expect.arrayContaining(['node_lost', 'rescheduled']));

    const platformAfter = await send(volumesGet({ client: tenant.client, path: { accountId: tenant.accountId, volumeId: platformVolume.data!.id } }));
    expect(platformAfter.data).toMatchObject({ status: 'attached', attachedVmId: first.id });
    const localAfter = await send(volumesGet({ client: tenant.client, path: { accountId: tenant.accountId, volumeId: localVolume.data!.id } }));
    expect(localAfter.data!.status).toBe('lost');
    // The VM pinned by the lost local volume waits for its user: never moved automatically.
    const stuck = await eventually('the pinned VM unschedulable', async () => {
      const now = await getVm(pinned.id);
      return now.status === 'unschedulable' ? now : undefined;
    });
    expect(stuck.nodeId).toBeNull();
    expect(stuck.statusReason).toMatch(/detach it/);
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // an epoch close retries unschedulable VMs: not this one
    expect((await getVm(pinned.id)).status).toBe('unschedulable');
    expect((await send(volumesDetach({ client: tenant.client, path: { accountId: tenant.accountId, volumeId: localVolume.data!.id } }))).status).toBe(200);
    await waitFor(pinned.id, 'running', 30);

    // The lost node's hypervisor stopped its VMs by itself (lease expired), before they ran elsewhere.
    expect(lostNode.driver.fencings).toBeGreaterThanOrEqual(1);
    expect((await simulated(lostNode, first.id))?.state).toBe('stopped');

    // The old node comes back with its stale copies: it is told to destroy them.
    stack.startAgent(lostNode);
    await eventually('the returning node destroyed its stale copies', async () => ((await lostNode.driver.listVms()).length === 0 ? true : undefined), 20_000);
    expect((await events(first.id)).map((event) => event.reason)).toContain('stale_copy_deleted');
    expect((await getVm(first.id)).nodeId).toBe(moved[0].nodeId);
    await stack.untilEligible([lostNode], 60_000);
  }, 120_000);

  it('restarts a crashing VM with a growing back-off until it is crashLoop; manual VMs stay failed', async () => {
    const vm = await createRunning();
    const node = nodeOf(vm);
    for (let crash = 1; ; crash++) {
      const now = await getVm(vm.id);
      if (now.status === 'crashLoop') break;
      expect(crash).toBeLessThanOrEqual(4);
      await runningOnDriver(vm.id);
      node.driver.crash(vm.id);
      await eventually(`crash ${crash} recorded`, async () => ((await events(vm.id)).filter((event) => event.reason === 'reported_failed').length >= crash ? true : undefined));
    }
    const history = await events(vm.id);
    const failures = history.filter((event) => event.reason === 'reported_failed').map((event) => Date.parse(event.createdAt));
    const restarts = history.filter((event) => event.reason === 'restarted_after_failure').map((event) => Date.parse(event.createdAt));
    expect(failures).toHaveLength(4);
    expect(restarts).toHaveLength(3);
    const waits = restarts.map((restartedAt, index) => restartedAt - failures[index]);
    // 0.5 s, 1 s, 2 s (each give or take the reconciliation interval).
    expect(waits[0]).toBeGreaterThanOrEqual(450);
    expect(waits[1]).toBeGreaterThanOrEqual(950);
    expect(waits[2]).toBeGreaterThanOrEqual(1950);
    expect(waits[2]).toBeGreaterThan(waits[0]);
    expect(history.map((event) => event.reason)).toContain('crash_loop');

    // A user start brings it back, with a fresh failure count.
    expect((await send(vmsStart({ client: tenant.client, path: { accountId: tenant.accountId, vmId: vm.id } }))).status).toBe(202);
    await waitFor(vm.id, 'running');

    const manual = await createRunning({ runStrategy: 'manual' });
    await runningOnDriver(manual.id);
    nodeOf(manual).driver.crash(manual.id);
    await waitFor(manual.id, 'failed');
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect((await getVm(manual.id)).status).toBe('failed');
    expect((await events(manual.id)).map((event) => event.reason)).not.toContain('restarted_after_failure');
  }, 90_000);

  it('discards a transient VM’s root-disk changes at stop/start, reset and a scheduled restart; a persistent VM keeps them', async () => {
    const vm = await createRunning({ mode: 'transient' });
    const changes = async () => nodeOf(await getVm(vm.id)).driver.rootDiskWrites(vm.id);
    const write = async () => {
      const now = await runningOnDriver(vm.id);
      nodeOf(now).driver.writeRootDisk(vm.id, 7);
      expect(await changes()).toBe(7);
    };
    const path = { accountId: tenant.accountId, vmId: vm.id };

    await write();
    expect((await send(vmsStop({ client: tenant.client, path }))).status).toBe(202);
    await waitFor(vm.id, 'stopped');
    expect((await send(vmsStart({ client: tenant.client, path }))).status).toBe(202);
    await runningOnDriver(vm.id);
    expect(await changes()).toBe(0);

    await write();
    expect((await send(vmsReset({ client: tenant.client, path }))).status).toBe(202);
    await eventually('reset done', async () => ((await changes()) === 0 ? true : undefined));
    await runningOnDriver(vm.id);

    await write();
    const scheduled = await send(vmsUpdate({ client: tenant.client, path, body: { restartSchedule: { cron: '*/2 * * * * *', timeZone: 'Europe/Paris' } } }));
    expect(scheduled.status).toBe(200);
    expect(scheduled.data!.restartSchedule).toMatchObject({ cron: '*/2 * * * * *', timeZone: 'Europe/Paris' });
    await eventually('a scheduled reset', async () => ((await events(vm.id)).some((event) => event.reason === 'scheduled_reset') ? true : undefined), 15_000);
    // The VM changes under the PATCH while it restarts: retry until the update lands.
    const unscheduled = await eventually('schedule removed', async () => (await send(vmsUpdate({ client: tenant.client, path, body: { restartSchedule: null } }))).data);
    expect(unscheduled.restartSchedule).toBeNull();
    await runningOnDriver(vm.id);
    expect(await changes()).toBe(0);

    // Persistent VMs restart on schedule without losing their disk.
    const persistent = await createRunning({ restartSchedule: { cron: '*/2 * * * * *', timeZone: 'UTC' } });
    nodeOf(persistent).driver.writeRootDisk(persistent.id, 3);
    await eventually('a scheduled restart', async () => ((await events(persistent.id)).some((event) => event.reason === 'scheduled_restart') ? true : undefined), 15_000);
    await eventually('schedule removed', async () => (await send(vmsUpdate({ client: tenant.client, path: { accountId: tenant.accountId, vmId: persistent.id }, body: { restartSchedule: null } }))).data);
    await runningOnDriver(persistent.id);
    expect(nodeOf(persistent).driver.rootDiskWrites(persistent.id)).toBe(3);

    const invalid = await send(vmsUpdate({ client: tenant.client, path, body: { restartSchedule: { cron: 'not a cron', timeZone: 'Mars/Olympus' } } }));
    expect(invalid.status).toBe(422);
  }, 90_000);

  it('routes a VM with a health check only while healthy, and restarts it when unhealthy', async () => {
    const issued = await send(adminGatewayTokensIssue({ client: stack.admin, body: { name: 'edge-heal', zones: ['eu-west'] } }));
    const gateway = stack.api.client(issued.data!.token);
    const routed = async (vmId: string) => (await send(gatewayRoutesGet({ client: gateway, path: { zone: 'eu-west' } }))).data!.sni.some((route) => route.vmId === vmId);

    const created = await send(
      vmsCreate({
        client: tenant.client,
        path: { accountId: tenant.accountId },
        body: body({ ports: [{ protocol: 'https', targetPort: 443 }], healthCheck: { type: 'http', port: 8080, path: '/healthz', intervalSeconds: 1, unhealthyThreshold: 2 } }),
      }),
    );
    const vm = (created.data as { vm: VmResponseDto }).vm;
    expect(vm.healthy).toBe(false);
    expect(vm.healthCheck).toMatchObject({ type: 'http', port: 8080, path: '/healthz' });
    await eventually('healthy and routed', async () => ((await getVm(vm.id)).healthy && (await routed(vm.id)) ? true : undefined));

    const running = await getVm(vm.id);
    nodeOf(running).driver.setHealthy(vm.id, false);
    await eventually('withdrawn after failed checks', async () => (!(await getVm(vm.id)).healthy && !(await routed(vm.id)) ? true : undefined));
    const reasons = (await events(vm.id)).map((event) => event.reason);
    expect(reasons).toContain('health_check_failed');
    nodeOf(running).driver.setHealthy(vm.id, true);
    await eventually('healthy again after the restart', async () => {
      const now = await getVm(vm.id);
      return now.status === 'running' && now.healthy && (await routed(vm.id)) ? true : undefined;
    });
  }, 60_000);

  it('captures an account image from a stopped persistent VM, boots transient VMs from it, and refuses to delete it while in use', async () => {
    const source = await createRunning();
    const path = { accountId: tenant.accountId, vmId: source.id };
    const refused = await send(accountImagesCapture({ client: tenant.client, path, body: { name: 'tpl-running' } }));
    expect(refused.status).toBe(409);
    await send(vmsStop({ client: tenant.client, path }));
    await waitFor(source.id, 'stopped');
    const captured = await send(accountImagesCapture({ client: tenant.client, path, body: { name: 'web-golden' } }));
    expect(captured.status).toBe(201);
    expect(captured.data).toMatchObject({ name: 'web-golden', accountId: tenant.accountId, sourceVmId: source.id });
    expect((await send(accountImagesList({ client: tenant.client, path: { accountId: tenant.accountId } }))).data!.items.map((image) => image.name)).toEqual(['web-golden']);
    // Not in the public catalog, and unknown to other accounts.
    expect((await send(catalogListImages({ client: stack.api.client(), query: { limit: 200 } }))).data!.items.map((image) => image.name)).not.toContain('web-golden');
    const stranger = await stack.signupTenant();
    const foreign = await send(vmsCreate({ client: stranger.client, path: { accountId: stranger.accountId }, body: body({ image: 'web-golden' }) }));
    expect(foreign.status).toBe(422);

    const transient = await createRunning({ image: 'web-golden', mode: 'transient' });
    expect(transient.image).toBe('web-golden');
    const inUse = await send(accountImagesDelete({ client: tenant.client, path: { accountId: tenant.accountId, name: 'web-golden' } }));
    expect(inUse.status).toBe(409);
    await send(vmsDelete({ client: tenant.client, path: { accountId: tenant.accountId, vmId: transient.id } }));
    await waitFor(transient.id, 'deleted').catch(() => undefined);
    await eventually('the image deletable', async () => ((await send(accountImagesDelete({ client: tenant.client, path: { accountId: tenant.accountId, name: 'web-golden' } }))).status === 204 ? true : undefined));
  }, 60_000);

  it('drains a decommissioned node: its VMs run elsewhere and the node ends decommissioned', async () => {
    const vm = await createRunning();
    const node = nodeOf(vm);
    const others = (await Promise.all([createRunning(), createRunning()])).filter((candidate) => candidate.nodeId === node.id);
    const draining = [vm, ...others];
    const accepted = await send(nodesDecommission({ client: stack.operator.client, path: { accountId: stack.operator.accountId, nodeId: node.id } }));
    expect(accepted.status).toBe(202);
    for (const moved of draining) {
      await eventually(
        `VM ${moved.name} running off the draining node`,
        async () => {
          const now = await getVm(moved.id);
          return now.status === 'running' && now.nodeId !== node.id ? true : undefined;
        },
        60_000,
      );
    }
    await eventually(
      'the node is decommissioned',
      async () => ((await send(nodesGet({ client: stack.operator.client, path: { accountId: stack.operator.accountId, nodeId: node.id } }))).data?.status === 'decommissioned' ? true : undefined),
      60_000,
    );
    expect(await node.driver.listVms()).toEqual([]);
  }, 180_000);
});
