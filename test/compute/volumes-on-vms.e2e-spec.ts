import {
  secretsCreate,
  vmSnapshotsCreate,
  vmSnapshotsList,
  vmsCreate,
  vmsGet,
  vmsStart,
  vmsWait,
  volumeSnapshotsCreate,
  volumeSnapshotsGet,
  volumesAttach,
  volumesCreate,
  volumesDelete,
  volumesDetach,
  volumesGet,
  volumesUpdate,
  type CreateVmDto,
  type VmResponseDto,
} from '@statemesh/sdk';
import { execFileSync } from 'node:child_process';
import { eventually } from '../nodes/time-tower-fixtures';
import { send } from '../support/api-harness';
import { ComputeStack, type StackNode, type Tenant } from './compute-stack';

/** Volumes on running VMs, with every step checked in the simulated node's own state. */
describe('volumes and snapshots on VMs, through the node agents', () => {
  let stack: ComputeStack;
  let tenant: Tenant;
  let nodes: StackNode[];
  let names = 0;

  const vmBody = (overrides: Partial<CreateVmDto> = {}): CreateVmDto => {
    names += 1;
    return { name: `disk-vm${names}`, zone: 'eu-west', instanceType: 's1.small', image: 'ubuntu-24.04', ...overrides };
  };

  async function createVm(overrides: Partial<CreateVmDto> = {}): Promise<VmResponseDto> {
    const created = await send(vmsCreate({ client: tenant.client, path: { accountId: tenant.accountId }, body: vmBody(overrides) }));
    expect(created.status).toBe(202);
    return (created.data as { vm: VmResponseDto }).vm;
  }

  async function waitFor(vmId: string, status: VmResponseDto['status']): Promise<VmResponseDto> {
    const waited = await send(vmsWait({ client: tenant.client, path: { accountId: tenant.accountId, vmId }, query: { status, timeoutSeconds: 20 } }));
    if (waited.status !== 200) throw new Error(`VM ${vmId} did not reach ${status}: ${JSON.stringify(waited.error)}`);
    return waited.data!;
  }

  function nodeOf(vm: VmResponseDto): StackNode {
    return nodes.find((node) => node.id === vm.nodeId)!;
  }

  async function simulatedVolumes(vm: VmResponseDto): Promise<string[] | undefined> {
    return (await nodeOf(vm).driver.listVms()).find((candidate) => candidate.vmId === vm.id)?.volumes;
  }

  beforeAll(async () => {
    stack = await ComputeStack.start('volumes');
    await stack.startWorker();
    nodes = [await stack.addNode(), await stack.addNode()];
    await stack.untilEligible(nodes);
    tenant = await stack.signupTenant();
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('creates a volume, attaches it to a running VM, detaches, resizes, snapshots, restores and deletes it — each step seen by the node', async () => {
    const vm = await waitFor((await createVm()).id, 'running');
    const account = { accountId: tenant.accountId };

    const volume = await send(volumesCreate({ client: tenant.client, path: account, body: { name: 'data', zone: 'eu-west', provider: 'statemesh', sizeGib: 20 } }));
    expect(volume.status).toBe(201);
    const volumeId = volume.data!.id;
    const path = { ...account, volumeId };

    expect((await send(volumesAttach({ client: tenant.client, path, body: { vmId: vm.id } }))).status).toBe(200);
    await eventually('the node attached the volume', async () => ((await simulatedVolumes(vm))?.includes(volumeId) ? true : undefined));
    expect((await send(vmsGet({ client: tenant.client, path: { ...account, vmId: vm.id } }))).data!.volumes).toEqual([volumeId]);

    const refused = await send(volumesDelete({ client: tenant.client, path }));
    expect(refused.status).toBe(409);

    expect((await send(volumesDetach({ client: tenant.client, path }))).status).toBe(200);
    await eventually('the node detached the volume', async () => ((await simulatedVolumes(vm))?.includes(volumeId) === false ? true : undefined));

    const current = await send(volumesGet({ client: tenant.client, path }));
    const grown = await send(volumesUpdate({ client: tenant.client, path, headers: { 'if-match': current.headers.get('etag')! }, body: { sizeGib: 40 } }));
    expect(grown.status).toBe(200);
    expect(grown.data!.sizeGib).toBe(40);

    // Attached again, the VM is snapshotted: root disk on the node, the volume as a volume snapshot.
    await send(volumesAttach({ client: tenant.client, path, body: { vmId: vm.id } }));
    await eventually('the node attached the volume again', async () => ((await simulatedVolumes(vm))?.includes(volumeId) ? true : undefined));
    const vmSnapshot = await send(vmSnapshotsCreate({ client: tenant.client, path: { ...account, vmId: vm.id }, body: { name: 'before-upgrade' } }));
    expect(vmSnapshot.status).toBe(202);
    expect(vmSnapshot.data).toMatchObject({ status: 'creating', location: 'node', nodeId: vm.nodeId });
    await eventually('the node took the snapshot', async () => {
      const listed = await send(vmSnapshotsList({ client: tenant.client, path: { ...account, vmId: vm.id } }));
      return listed.data!.items[0]?.status === 'available' ? true : undefined;
    });
    const onNode = await nodeOf(vm).driver.listSnapshots();
    expect(onNode.map((snapshot) => snapshot.snapshotId)).toContain(vmSnapshot.data!.id);
    // A new VM boots from the snapshot's root disk, on the node that holds it.
    const restoredVm = await waitFor((await createVm({ fromSnapshotId: vmSnapshot.data!.id })).id, 'running');
    expect(restoredVm.nodeId).toBe(vm.nodeId);
    expect(nodeOf(restoredVm).driver.specOf(restoredVm.id)?.fromSnapshotId).toBe(vmSnapshot.data!.id);
    const wrongImage = await send(vmsCreate({ client: tenant.client, path: account, body: vmBody({ image: 'fedora-41', fromSnapshotId: vmSnapshot.data!.id }) }));
    expect(wrongImage.status).toBe(422);
    const volumeSnapshotId = vmSnapshot.data!.volumeSnapshotIds[0];
    expect((await send(volumeSnapshotsGet({ client: tenant.client, path: { ...account, snapshotId: volumeSnapshotId } }))).data!.status).toBe('available');

    const direct = await send(volumeSnapshotsCreate({ client: tenant.client, path, body: {} }));
    expect(direct.status).toBe(201);
    const restored = await send(
      volumesCreate({ client: tenant.client, path: account, body: { name: 'restored', zone: 'eu-west', provider: 'statemesh', source: { kind: 'snapshot', snapshotId: direct.data!.id } } }),
    );
    expect(restored.status).toBe(201);
    expect(restored.data!.sizeGib).toBe(40);

    await send(volumesDetach({ client: tenant.client, path }));
    expect((await send(volumesDelete({ client: tenant.client, path }))).status).toBe(204);
    expect((await send(volumesDelete({ client: tenant.client, path: { ...account, volumeId: restored.data!.id } }))).status).toBe(204);
  });

  it('has a node fill volumes from URLs and images, and take local volumes’ snapshots', async () => {
    const account = { accountId: tenant.accountId };
    const fromUrl = await send(
      volumesCreate({ client: tenant.client, path: account, body: { name: 'from-url', zone: 'eu-west', provider: 'statemesh', sizeGib: 10, source: { kind: 'url', url: 'https://1.1.1.1/images/disk.img' } } }),
    );
    expect(fromUrl.status).toBe(201);
    expect(fromUrl.data!.status).toBe('creating');
    const filled = await eventually('the URL volume filled by a node', async () => {
      const volume = await send(volumesGet({ client: tenant.client, path: { ...account, volumeId: fromUrl.data!.id } }));
      return volume.data!.status === 'available' ? volume.data : undefined;
    });
    expect(filled.status).toBe('available');
    const filler = nodes.find((node) => node.driver.preparedVolume(fromUrl.data!.id));
    expect(filler?.driver.preparedVolume(fromUrl.data!.id)?.from).toEqual({ kind: 'url', url: 'https://1.1.1.1/images/disk.img' });

    const local = await send(volumesCreate({ client: tenant.client, path: account, body: { name: 'local-snap', zone: 'eu-west', provider: 'local', sizeGib: 10, nodeId: nodes[0].id } }));
    const snapshot = await send(volumeSnapshotsCreate({ client: tenant.client, path: { ...account, volumeId: local.data!.id }, body: {} }));
    expect(snapshot.data).toMatchObject({ status: 'creating', location: 'node', nodeId: nodes[0].id });
    await eventually('the node took the local snapshot', async () => {
      const got = await send(volumeSnapshotsGet({ client: tenant.client, path: { ...account, snapshotId: snapshot.data!.id } }));
      return got.data!.status === 'available' ? true : undefined;
    });
    expect((await nodes[0].driver.listSnapshots()).map((entry) => entry.snapshotId)).toContain(snapshot.data!.id);
  });

  it('holds a local volume’s size on its node’s disk, and gives it back on delete', async () => {
    const target = nodes[0];
    const account = { accountId: tenant.accountId };
    const diskOf = async () => (await stack.prisma.node.findUniqueOrThrow({ where: { id: target.id } })).allocatedDiskGib;
    const before = await diskOf();
    const local = await send(volumesCreate({ client: tenant.client, path: account, body: { name: 'held', zone: 'eu-west', provider: 'local', sizeGib: 50, nodeId: target.id } }));
    expect(local.status).toBe(201);
    expect(await diskOf()).toBe(before + 50);
    const tooBig = await send(volumesCreate({ client: tenant.client, path: account, body: { name: 'too-big', zone: 'eu-west', provider: 'local', sizeGib: 5000, nodeId: target.id } }));
    expect(tooBig.status).toBe(409);
    expect(tooBig.error).toMatchObject({ code: 'volume.node_full' });
    expect((await send(volumesDelete({ client: tenant.client, path: { ...account, volumeId: local.data!.id } }))).status).toBe(204);
    expect(await diskOf()).toBe(before);
  });

  it('places a VM with a local volume only on that volume’s node', async () => {
    const target = nodes[1];
    const account = { accountId: tenant.accountId };
    const local = await send(volumesCreate({ client: tenant.client, path: account, body: { name: 'scratch', zone: 'eu-west', provider: 'local', sizeGib: 10, nodeId: target.id } }));
    expect(local.status).toBe(201);
    for (let i = 0; i < 3; i++) {
      const vm = await createVm({ runStrategy: 'halted' });
      const volume = i === 0 ? local.data!.id : (await send(volumesCreate({ client: tenant.client, path: account, body: { name: `scratch${i}`, zone: 'eu-west', provider: 'local', sizeGib: 10, nodeId: target.id } }))).data!.id;
      expect((await send(volumesAttach({ client: tenant.client, path: { ...account, volumeId: volume }, body: { vmId: vm.id } }))).status).toBe(200);
      expect((await send(vmsStart({ client: tenant.client, path: { ...account, vmId: vm.id } }))).status).toBe(202);
      const running = await waitFor(vm.id, 'running');
      expect(running.nodeId).toBe(target.id);
      expect(await simulatedVolumes(running)).toContain(volume);
      expect(running.placement!.explanation.rejected.pin).toBe(1);
    }
  });

  it('keeps secrets and S3 keys out of the database in plaintext, and renders cloud-init only for the node', async () => {
    const secretValue = `hunter2-${Date.now()}-s3cr3t`;
    const accessKey = `AKIA${Date.now()}XYZ`;
    const secretKey = `s3-secret-${Date.now()}-abcdefghij`;
    const account = { accountId: tenant.accountId };
    expect((await send(secretsCreate({ client: tenant.client, path: account, body: { name: 'db-password', value: secretValue } }))).status).toBe(201);
    const s3 = await send(
      volumesCreate({
        client: tenant.client,
        path: account,
        body: { name: 'bucket', zone: 'eu-west', provider: 's3', sizeGib: 100, s3: { endpoint: 'https://1.1.1.1', region: 'eu-west-1', bucket: 'backups', accessKeyId: accessKey, secretAccessKey: secretKey } },
      }),
    );
    expect(s3.status).toBe(201);
    expect(JSON.stringify(s3.data)).not.toContain(secretKey);

    const vm = await waitFor((await createVm({ cloudInit: '#cloud-config\npassword: {{ secret "db-password" }}\n' })).id, 'running');
    // The node, and only the node, received the rendered document.
    expect(nodeOf(vm).driver.specOf(vm.id)?.cloudInit).toBe(`#cloud-config\npassword: "${secretValue}"\n`);
    const stored = await stack.prisma.vm.findUniqueOrThrow({ where: { id: vm.id } });
    expect(stored.cloudInit).toContain('{{ secret "db-password" }}');
    expect(stored.cloudInit).not.toContain(secretValue);
    const assignment = await stack.prisma.assignment.findFirstOrThrow({ where: { vmId: vm.id, action: 'create-vm' } });
    expect(JSON.stringify(assignment.payload)).not.toContain(secretValue);

    const dump = execFileSync('pg_dump', ['--data-only', stack.config.database.url], { maxBuffer: 256 * 1024 * 1024 }).toString('utf8');
    for (const plaintext of [secretValue, accessKey, secretKey]) expect(dump).not.toContain(plaintext);
    for (const line of stack.api.logs.lines) for (const plaintext of [secretValue, secretKey]) expect(line).not.toContain(plaintext);
  });
});
