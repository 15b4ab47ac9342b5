import {
  accountOperationsGet,
  adminGatewayTokensIssue,
  adminQuotasPut,
  agentAssignmentsList,
  agentAssignmentsReport,
  gatewayRoutesGet,
  vmsCreate,
  vmsDelete,
  vmsEvents,
  vmsGet,
  vmsList,
  vmsReset,
  vmsRestart,
  vmsStart,
  vmsStop,
  vmsUpdate,
  vmsWait,
  type CreateVmDto,
  type VmResponseDto,
} from '@statemesh/sdk';
import { eventually, openSession } from '../nodes/time-tower-fixtures';
import { send } from '../support/api-harness';
import { ComputeStack, type StackNode, type Tenant } from './compute-stack';

describe('virtual machines with real workers and simulated node agents', () => {
  let stack: ComputeStack;
  let tenant: Tenant;
  let datacenter: StackNode[];
  let edge: StackNode;
  let names = 0;

  const vmBody = (overrides: Partial<CreateVmDto> = {}): CreateVmDto => {
    names += 1;
    return { name: `vm${names}`, zone: 'eu-west', instanceType: 's1.small', image: 'ubuntu-24.04', ...overrides };
  };

  async function create(body: CreateVmDto, who: Tenant = tenant) {
    return send(vmsCreate({ client: who.client, path: { accountId: who.accountId }, body }));
  }

  async function createRunning(overrides: Partial<CreateVmDto> = {}): Promise<VmResponseDto> {
    const created = await create(vmBody(overrides));
    expect(created.status).toBe(202);
    const id = (created.data as { vm: VmResponseDto }).vm.id;
    return waitFor(id, 'running');
  }

  async function waitFor(vmId: string, status: VmResponseDto['status'], timeoutSeconds = 15): Promise<VmResponseDto> {
    const waited = await send(vmsWait({ client: tenant.client, path: { accountId: tenant.accountId, vmId }, query: { status, timeoutSeconds } }));
    if (waited.status !== 200) throw new Error(`VM ${vmId} did not reach ${status}: ${JSON.stringify(waited.error)}`);
    return waited.data!;
  }

  function nodeOf(vm: VmResponseDto): StackNode {
    return stack.nodes.find((node) => node.id === vm.nodeId)!;
  }

  async function simulatedState(vm: VmResponseDto): Promise<string | undefined> {
    return (await nodeOf(vm).driver.listVms()).find((candidate) => candidate.vmId === vm.id)?.state;
  }

  beforeAll(async () => {
    stack = await ComputeStack.start('vms');
    await stack.startWorker();
    datacenter = [await stack.addNode(), await stack.addNode({ class: 'bare-metal' }), await stack.addNode()];
    edge = await stack.addNode({ class: 'edge' });
    await stack.untilEligible(datacenter);
    tenant = await stack.signupTenant();
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('creates a VM that runs within 10 s on a datacenter node, with its entrypoint', async () => {
    const started = Date.now();
    const created = await create(vmBody({ ports: [{ protocol: 'https', targetPort: 443 }, { protocol: 'udp', targetPort: 51820 }] }));
    expect(created.status).toBe(202);
    const accepted = created.data as { vm: VmResponseDto; operation: { id: string; status: string; type: string } };
    expect(accepted.vm.status).toBe('pending');
    expect(accepted.vm.rootDisk).toEqual({ sizeGib: 10, persistence: 'node' });
    expect(accepted.operation.type).toBe('vm.create');

    const running = await waitFor(accepted.vm.id, 'running', 10);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(datacenter.map((node) => node.id)).toContain(running.nodeId);
    expect(await simulatedState(running)).toBe('running');

    const pattern = new RegExp(`^vm-${running.name}-${running.id}\\.eu-west\\.${stack.config.dns.baseDomain.replace(/\./g, '\\.')}$`);
    expect(running.entrypoints).toHaveLength(2);
    for (const entrypoint of running.entrypoints) expect(entrypoint.fqdn).toMatch(pattern);
    const udp = running.entrypoints.find((entrypoint) => entrypoint.protocol === 'udp')!;
    expect(udp.publicPort).toBeGreaterThanOrEqual(20000);
    expect(running.placement?.explanation.chosenNodeId).toBe(running.nodeId);
    expect(running.placement?.explanation.rejected.class).toBe(1); // the edge node

    const operation = await send(accountOperationsGet({ client: tenant.client, path: { accountId: tenant.accountId, operationId: accepted.operation.id } }));
    expect(operation.data).toMatchObject({ status: 'succeeded', targetId: running.id });
  });

  it('stops, starts, restarts and deletes, with the simulated node following each step', async () => {
    const vm = await createRunning();
    const path = { accountId: tenant.accountId, vmId: vm.id };

    const stopped = await send(vmsStop({ client: tenant.client, path }));
    expect(stopped.status).toBe(202);
    await waitFor(vm.id, 'stopped');
    expect(await simulatedState(vm)).toBe('stopped');

    expect((await send(vmsStop({ client: tenant.client, path }))).status).toBe(409);

    expect((await send(vmsStart({ client: tenant.client, path }))).status).toBe(202);
    await waitFor(vm.id, 'running');
    expect(await simulatedState(vm)).toBe('running');

    const restart = await send(vmsRestart({ client: tenant.client, path }));
    expect(restart.status).toBe(202);
    expect((restart.data as { vm: VmResponseDto }).vm.status).toBe('restarting');
    await waitFor(vm.id, 'running');

    const node = nodeOf(vm);
    const before = await stack.prisma.node.findUniqueOrThrow({ where: { id: node.id } });
    const deleted = await send(vmsDelete({ client: tenant.client, path }));
    expect(deleted.status).toBe(202);
    // The operation as the action left it: handed to the node, so running.
    expect((deleted.data as { operation: { type: string; status: string } }).operation).toMatchObject({ type: 'vm.delete', status: 'running' });
    await waitFor(vm.id, 'deleted');
    expect(await node.driver.listVms()).not.toContainEqual(expect.objectContaining({ vmId: vm.id }));
    const after = await stack.prisma.node.findUniqueOrThrow({ where: { id: node.id } });
    expect(after.allocatedVcpu).toBe(before.allocatedVcpu - vm.vcpu);
    expect((await send(vmsGet({ client: tenant.client, path }))).status).toBe(404);

    const events = await send(vmsEvents({ client: tenant.client, path: { accountId: tenant.accountId, vmId: vm.id }, query: { limit: 200 } }));
    expect(events.status).toBe(404); // a deleted VM is gone from the API
    const history = await stack.prisma.vmEvent.findMany({ where: { vmId: vm.id }, orderBy: { id: 'asc' } });
    expect(history.map((event) => event.reason)).toEqual(expect.arrayContaining(['create', 'placed', 'stop', 'start', 'restart', 'delete', 'deleted']));

    // The name is free again.
    expect((await create({ ...vmBody(), name: vm.name })).status).toBe(202);
  });

  it('answers the events of a VM, paginated, with who did what', async () => {
    const vm = await createRunning();
    const first = await send(vmsEvents({ client: tenant.client, path: { accountId: tenant.accountId, vmId: vm.id }, query: { limit: 1 } }));
    expect(first.data!.items).toHaveLength(1);
    expect(first.data!.items[0]).toMatchObject({ reason: 'create', targetId: vm.id });
    expect(first.data!.items[0].actor).toMatch(/^user:/);
    const rest = await send(vmsEvents({ client: tenant.client, path: { accountId: tenant.accountId, vmId: vm.id }, query: { cursor: first.data!.nextCursor! } }));
    expect(rest.data!.items.map((event) => event.reason)).toContain('placed');
  });

  it('never places a VM on the edge node', async () => {
    const vms = await Promise.all(Array.from({ length: 6 }, () => createRunning()));
    for (const vm of vms) expect(vm.nodeId).not.toBe(edge.id);
    expect(await edge.driver.listVms()).toEqual([]);
  });

  it('refuses bad input with problem details and creates nothing', async () => {
    const unknown = await create(vmBody({ zone: 'nowhere', instanceType: 'x9.huge' }));
    expect(unknown.status).toBe(422);
    expect(unknown.error).toMatchObject({ code: 'catalog.unavailable' });
    expect((unknown.error as { errors: Array<{ field: string }> }).errors.map((error) => error.field).sort()).toEqual(['instanceType', 'zone']);

    const tooSmall = await create(vmBody({ rootDiskGib: 2 }));
    expect(tooSmall.status).toBe(422);
    expect((tooSmall.error as { errors: Array<{ field: string }> }).errors[0].field).toBe('rootDiskGib');

    expect((await create({ ...vmBody(), name: 'Not_A_Label' })).status).toBe(400);
    expect((await create({ ...vmBody(), surprise: true } as CreateVmDto)).status).toBe(400);
    expect((await create(vmBody({ cloudInit: '#cloud-config\npassword: {{ secret "nope" }}\n' }))).status).toBe(422);

    const taken = vmBody();
    expect((await create(taken)).status).toBe(202);
    const again = await create(taken);
    expect(again.status).toBe(409);
    expect(again.error).toMatchObject({ code: 'vm.name_taken' });
  });

  it('refuses to create or start a VM the wallet cannot run for MIN_RUNWAY_HOURS (402 with the shortfall)', async () => {
    const broke = await stack.signupTenant('0');
    const refused = await create(vmBody(), broke);
    expect(refused.status).toBe(402);
    expect(refused.error).toMatchObject({ code: 'wallet.insufficient_funds' });
    expect(BigInt((refused.error as unknown as { shortfall: string }).shortfall)).toBeGreaterThan(0n);
    const halted = await create(vmBody({ runStrategy: 'halted' }), broke);
    expect(halted.status).toBe(202);
    const vm = (halted.data as { vm: VmResponseDto }).vm;
    expect((await send(vmsStart({ client: broke.client, path: { accountId: broke.accountId, vmId: vm.id } }))).status).toBe(402);
  });

  it('holds each account to its quota (422 quota.exceeded), as admins set it', async () => {
    const limited = await stack.signupTenant();
    const put = await send(adminQuotasPut({ client: stack.admin, path: { accountId: limited.accountId }, body: { maxVms: 1, maxVcpu: 8, maxMemoryMib: 65536 } }));
    expect(put.status).toBe(200);
    expect((await create(vmBody(), limited)).status).toBe(202);
    const over = await create(vmBody(), limited);
    expect(over.status).toBe(422);
    expect(over.error).toMatchObject({ code: 'quota.exceeded' });
  });

  it('previews placement with dryRun and reserves nothing', async () => {
    const body = vmBody();
    const before = await stack.prisma.vm.count();
    const preview = await send(vmsCreate({ client: tenant.client, path: { accountId: tenant.accountId }, query: { dryRun: true }, body }));
    expect(preview.status).toBe(200);
    expect(preview.data).toMatchObject({ placeable: true, explanation: { rejected: { class: 1 } } });
    expect(await stack.prisma.vm.count()).toBe(before);

    const nowhere = await send(vmsCreate({ client: tenant.client, path: { accountId: tenant.accountId }, query: { dryRun: true }, body: { ...body, zone: 'tiny-udp' } }));
    expect(nowhere.data).toMatchObject({ placeable: false });
    expect((nowhere.data as { explanation: { message: string } }).explanation.message).toMatch(/zone/);
  });

  it('marks a VM nothing can host unschedulable, with the explanation, and allocates UDP ports from the zone pool until it runs out', async () => {
    const first = await create(vmBody({ zone: 'tiny-udp', ports: [{ protocol: 'udp', targetPort: 53 }] }));
    const second = await create(vmBody({ zone: 'tiny-udp', ports: [{ protocol: 'udp', targetPort: 53 }] }));
    expect([first.status, second.status]).toEqual([202, 202]);
    const third = await create(vmBody({ zone: 'tiny-udp', ports: [{ protocol: 'udp', targetPort: 53 }] }));
    expect(third.status).toBe(409);
    expect(third.error).toMatchObject({ code: 'entrypoint.udp_pool_exhausted' });

    const vm = await waitFor((first.data as { vm: VmResponseDto }).vm.id, 'unschedulable');
    expect(vm.placement?.explanation.chosenNodeId).toBeNull();
    expect(vm.placement?.explanation.rejected.zone).toBe(3);
    expect(vm.statusReason).toMatch(/zone/);
    const ports = [first, second].map((response) => (response.data as { vm: VmResponseDto }).vm.entrypoints[0].publicPort).sort();
    expect(ports).toEqual([30000, 30001]);

    // Deleting frees the port for the next VM.
    expect((await send(vmsDelete({ client: tenant.client, path: { accountId: tenant.accountId, vmId: vm.id } }))).status).toBe(202);
    expect((await create(vmBody({ zone: 'tiny-udp', ports: [{ protocol: 'udp', targetPort: 53 }] }))).status).toBe(202);
  });

  it('creates halted VMs stopped, and resets transient VMs only', async () => {
    const halted = await create(vmBody({ runStrategy: 'halted' }));
    const haltedVm = (halted.data as { vm: VmResponseDto }).vm;
    expect(haltedVm.status).toBe('stopped');
    expect(haltedVm.nodeId).toBeNull();
    expect((await send(vmsStart({ client: tenant.client, path: { accountId: tenant.accountId, vmId: haltedVm.id } }))).status).toBe(202);
    await waitFor(haltedVm.id, 'running');

    const persistent = await createRunning();
    const refused = await send(vmsReset({ client: tenant.client, path: { accountId: tenant.accountId, vmId: persistent.id } }));
    expect(refused.status).toBe(422);
    expect(refused.error).toMatchObject({ code: 'vm.reset_requires_transient' });

    const transient = await createRunning({ mode: 'transient' });
    const reset = await send(vmsReset({ client: tenant.client, path: { accountId: tenant.accountId, vmId: transient.id } }));
    expect(reset.status).toBe(202);
    await waitFor(transient.id, 'running');
  });

  it('restarts a crashed VM when its run strategy says so, and leaves manual ones failed', async () => {
    const always = await createRunning({ runStrategy: 'always' });
    nodeOf(always).driver.crash(always.id);
    await eventually('the crashed VM restarted', async () => {
      const events = await stack.prisma.vmEvent.findMany({ where: { vmId: always.id, reason: 'restarted_after_failure' } });
      return events.length > 0 ? true : undefined;
    });
    await waitFor(always.id, 'running');

    const manual = await createRunning({ runStrategy: 'manual' });
    nodeOf(manual).driver.crash(manual.id);
    const failed = await waitFor(manual.id, 'failed');
    expect(failed.statusReason).toMatch(/crash/);
  });

  it('renames with If-Match, and the entrypoints follow', async () => {
    const vm = await createRunning({ ports: [{ protocol: 'tcp', targetPort: 22 }] });
    const path = { accountId: tenant.accountId, vmId: vm.id };
    const current = await send(vmsGet({ client: tenant.client, path }));
    const etag = current.headers.get('etag')!;
    const renamed = await send(vmsUpdate({ client: tenant.client, path, headers: { 'if-match': etag }, body: { name: `${vm.name}-renamed`, labels: { tier: 'web' } } }));
    expect(renamed.status).toBe(200);
    expect(renamed.data!.entrypoints[0].fqdn).toMatch(new RegExp(`^vm-${vm.name}-renamed-${vm.id}\\.`));
    const stale = await send(vmsUpdate({ client: tenant.client, path, headers: { 'if-match': etag }, body: { labels: {} } }));
    expect(stale.status).toBe(412);
  });

  it('walls tenants off: another account sees 404, lists only its own', async () => {
    const vm = await createRunning();
    const other = await stack.signupTenant();
    expect((await send(vmsGet({ client: other.client, path: { accountId: tenant.accountId, vmId: vm.id } }))).status).toBe(404);
    expect((await send(vmsGet({ client: other.client, path: { accountId: other.accountId, vmId: vm.id } }))).status).toBe(404);
    expect((await send(vmsStop({ client: other.client, path: { accountId: other.accountId, vmId: vm.id } }))).status).toBe(404);
    const list = await send(vmsList({ client: other.client, path: { accountId: other.accountId } }));
    expect(list.data!.items).toEqual([]);
  });

  it('gives gateways the routing table of running VMs, following them as they stop and start', async () => {
    const issued = await send(adminGatewayTokensIssue({ client: stack.admin, body: { name: 'edge-eu', zones: ['eu-west'] } }));
    expect(issued.status).toBe(201);
    const gateway = stack.api.client(issued.data!.token);
    const vm = await createRunning({ ports: [{ protocol: 'https', targetPort: 8443 }, { protocol: 'udp', targetPort: 51820 }] });
    const node = await stack.prisma.node.findUniqueOrThrow({ where: { id: vm.nodeId! } });

    const table = await send(gatewayRoutesGet({ client: gateway, path: { zone: 'eu-west' } }));
    expect(table.status).toBe(200);
    const https = vm.entrypoints.find((entrypoint) => entrypoint.protocol === 'https')!;
    const udp = vm.entrypoints.find((entrypoint) => entrypoint.protocol === 'udp')!;
    expect(table.data!.sni).toContainEqual({ sni: https.fqdn, protocol: 'https', nodeAddress: node.address, targetPort: 8443, vmId: vm.id, nodeId: node.id });
    expect(table.data!.udp).toContainEqual({ publicPort: udp.publicPort, nodeAddress: node.address, targetPort: 51820, vmId: vm.id, nodeId: node.id });

    await send(vmsStop({ client: tenant.client, path: { accountId: tenant.accountId, vmId: vm.id } }));
    await waitFor(vm.id, 'stopped');
    const withoutIt = await send(gatewayRoutesGet({ client: gateway, path: { zone: 'eu-west' } }));
    expect(withoutIt.data!.sni.map((route) => route.vmId)).not.toContain(vm.id);

    expect((await send(gatewayRoutesGet({ client: gateway, path: { zone: 'tiny-udp' } }))).status).toBe(404);
    expect((await send(gatewayRoutesGet({ client: tenant.client, path: { zone: 'eu-west' } }))).status).toBe(401);
  });

  it('keeps node agents to their own node: another node cannot report on or receive a VM', async () => {
    const vm = await createRunning();
    const other = datacenter.find((node) => node.id !== vm.nodeId)!;
    const token = await openSession(stack.api, other);
    const client = stack.api.client(token);
    const report = await send(agentAssignmentsReport({ client, path: { vmId: vm.id }, body: { state: 'failed', since: new Date().toISOString(), message: 'forged' } }));
    expect(report.status).toBe(404);
    const work = await send(agentAssignmentsList({ client, query: { waitSeconds: 0 } }));
    expect(work.status).toBe(200);
    expect(JSON.stringify(work.data)).not.toContain(vm.id);
    expect((await send(agentAssignmentsList({ client: tenant.client, query: { waitSeconds: 0 } }))).status).toBe(401);
    expect((await send(vmsGet({ client: tenant.client, path: { accountId: tenant.accountId, vmId: vm.id } }))).data!.status).toBe('running');
  });

  it('times out a wait with 408', async () => {
    const vm = await createRunning();
    const waited = await send(vmsWait({ client: tenant.client, path: { accountId: tenant.accountId, vmId: vm.id }, query: { status: 'stopped', timeoutSeconds: 1 } }));
    expect(waited.status).toBe(408);
    expect(waited.error).toMatchObject({ code: 'vm.wait_timeout' });
  });
});
