import {
  authSignup,
  secretsList,
  tokensCreate,
  volumeSnapshotsCreate,
  volumeSnapshotsDelete,
  volumeSnapshotsGet,
  volumeSnapshotsList,
  volumeSnapshotsListForVolume,
  volumesAttach,
  volumesCreate,
  volumesDelete,
  volumesDetach,
  volumesGet,
  volumesList,
  volumesUpdate,
  type CreateVolumeDtoWritable as CreateVolumeDto,
} from '@statemesh/sdk';
import { PrismaService } from '@statemesh/database';
import { SecretsService } from '@statemesh/secrets';
import { SourceHostResolver, VolumeAttachmentService, VolumeSnapshotsService } from '@statemesh/storage';
import * as fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { newCredentials, send, startApi, type ApiHarness } from '../support/api-harness';

const ZONE = 'vol-zone-a';
const OTHER_ZONE = 'vol-zone-b';
const IMAGE = 'vol-test-image';

/** Fake DNS: names it does not know resolve to a public address, so refusals come from the guard. */
const DNS_RECORDS: Record<string, string[]> = {
  'loopback.rebind.example.net': ['127.0.0.1'],
  'mixed.rebind.example.net': ['93.184.215.14', '10.1.2.3'],
  'metadata.rebind.example.net': ['169.254.169.254'],
  'mapped.rebind.example.net': ['::ffff:127.0.0.1'],
  'ula.rebind.example.net': ['2606:4700::1111', 'fd00:ec2::254'],
  'cgnat.rebind.example.net': ['100.64.12.1'],
  'nothing.example.net': [],
};

async function fakeResolve(hostname: string): Promise<string[]> {
  if (hostname === 'nxdomain.example.net') throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
  return DNS_RECORDS[hostname] ?? ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'];
}

/** At least 30 ways to point a node agent at something that is not a public server. */
const SSRF_CORPUS = [
  'http://127.0.0.1/disk.img',
  'http://127.0.0.1./disk.img',
  'http://2130706433/disk.img',
  'http://0x7f000001/disk.img',
  'http://0177.0.0.1/disk.img',
  'http://0x7f.0.0.1/disk.img',
  'http://127.1/disk.img',
  'http://0/disk.img',
  'http://0.0.0.0:8080/disk.img',
  'http://10.0.0.1/disk.img',
  'http://172.16.5.4/disk.img',
  'http://192.168.0.1/disk.img',
  'http://100.64.0.1/disk.img',
  'http://169.254.169.254/latest/meta-data/',
  'http://0xa9fea9fe/latest/meta-data/',
  'http://2852039166/latest/meta-data/',
  'http://224.0.0.1/',
  'http://255.255.255.255/',
  'http://[::1]/disk.img',
  'http://[::]/disk.img',
  'http://[::ffff:127.0.0.1]/disk.img',
  'http://[::ffff:a9fe:a9fe]/disk.img',
  'http://[fe80::1]/disk.img',
  'http://[fd00:ec2::254]/latest/meta-data/',
  'http://[ff02::1]/',
  'http://[64:ff9b::10.0.0.1]/',
  'http://localhost/disk.img',
  'http://localhost./disk.img',
  'http://metadata.google.internal/computeMetadata/v1/',
  'http://metadata.goog/computeMetadata/v1/',
  'http://printer.local/disk.img',
  'http://intranet/disk.img',
  'http://loopback.rebind.example.net/disk.img',
  'http://mixed.rebind.example.net/disk.img',
  'http://metadata.rebind.example.net/disk.img',
  'http://mapped.rebind.example.net/disk.img',
  'http://ula.rebind.example.net/disk.img',
  'http://cgnat.rebind.example.net/disk.img',
  'http://nothing.example.net/disk.img',
  'http://nxdomain.example.net/disk.img',
  'http://user:pass@downloads.example.com/disk.img',
  'http://downloads.example.com@127.0.0.1/disk.img',
  'file:///etc/passwd',
  'gopher://127.0.0.1:70/_stats',
  'ftp://downloads.example.com/disk.img',
  'http://downloads.example.com:25/disk.img',
  'not a url',
];

let secretCounter = 0;
/** Key material recognisable by the log scan at teardown (`s3cr3t-value-`). */
function s3Keys(): { accessKeyId: string; secretAccessKey: string } {
  secretCounter += 1;
  return {
    accessKeyId: `AKIA${randomBytes(8).toString('hex').toUpperCase()}`,
    secretAccessKey: `s3cr3t-value-${process.pid}-${secretCounter}-${randomBytes(8).toString('hex')}`,
  };
}

describe('volumes', () => {
  let api: ApiHarness;
  let db: pg.Client;

  beforeAll(async () => {
    api = await startApi({ RATE_LIMIT_PER_MINUTE: '100000' });
    jest.spyOn(api.app.get(SourceHostResolver), 'resolve').mockImplementation(fakeResolve);
    db = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    // The catalog is admin-managed; these tests bring their own zones and image.
    for (const zone of [ZONE, OTHER_ZONE]) {
      await db.query(
        `INSERT INTO zones (name, "displayName", "udpPortMin", "udpPortMax", "updatedAt") VALUES ($1, $1, 40000, 40100, now()) ON CONFLICT DO NOTHING`,
        [zone],
      );
    }
    await db.query(
      `INSERT INTO zones (name, "displayName", "udpPortMin", "udpPortMax", enabled, "updatedAt") VALUES ('vol-zone-off', 'off', 1, 2, false, now()) ON CONFLICT DO NOTHING`,
    );
    await db.query(
      `INSERT INTO images (name, "displayName", "osFamily", "osVersion", "minDiskGib", "updatedAt") VALUES ($1, 'Test', 'ubuntu', '24.04', 10, now()) ON CONFLICT DO NOTHING`,
      [IMAGE],
    );
  });

  afterAll(async () => {
    await db.end();
    await api.close();
  });

  async function signup() {
    const { data, status } = await send(authSignup({ client: api.client(), body: newCredentials() }));
    expect(status).toBe(201);
    const accountId = data!.account!.id;
    return { accountId, client: api.client(data!.accessToken), path: { accountId } };
  }

  type Tenant = Awaited<ReturnType<typeof signup>>;

  function create(tenant: Tenant, body: CreateVolumeDto, headers: Record<string, string> = {}) {
    return send(volumesCreate({ client: tenant.client, path: tenant.path, body, headers }));
  }

  let vmCounter = 0;
  /** A VM row as the compute context writes it (VMs are created through their own routes elsewhere). */
  async function insertVm(accountId: string, options: { zone?: string; nodeId?: string | null; status?: string } = {}): Promise<string> {
    vmCounter += 1;
    const id = `vm${Date.now().toString(36)}${vmCounter}`.slice(0, 18);
    await db.query(
      `INSERT INTO vms (id, "accountId", name, "liveName", zone, "instanceType", vcpu, "memoryMib", image, "rootDiskGib", mode, "runStrategy", status, "nodeId", "updatedAt")
       VALUES ($1, $2, $3, $3, $4, 's1.small', 1, 2048, $5, 10, 'persistent', 'always', $6, $7, now())`,
      [id, accountId, `vm-${vmCounter}`, options.zone ?? ZONE, IMAGE, options.status ?? 'running', options.nodeId ?? null],
    );
    return id;
  }

  it('creates an empty volume, lists, gets with an ETag, and hides it from other accounts', async () => {
    const alice = await signup();
    const created = await create(alice, { name: 'pg-data', zone: ZONE, provider: 'statemesh', sizeGib: 20, labels: { app: 'db' } });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({
      name: 'pg-data',
      zone: ZONE,
      provider: 'statemesh',
      sizeGib: 20,
      replicas: 3,
      nodeId: null,
      persistence: 'platform',
      s3: null,
      source: { kind: 'empty', ref: null },
      status: 'available',
      attachedVmId: null,
      labels: { app: 'db' },
      version: 1,
    });
    expect(created.headers.get('etag')).toBe('"v1"');
    const id = created.data!.id;

    const got = await send(volumesGet({ client: alice.client, path: { ...alice.path, volumeId: id } }));
    expect(got.status).toBe(200);
    expect(got.data).toEqual(created.data);
    expect(got.headers.get('etag')).toBe('"v1"');

    await create(alice, { name: 'scratch', zone: OTHER_ZONE, provider: 'local', sizeGib: 5 });
    const listed = await send(volumesList({ client: alice.client, path: alice.path }));
    expect(listed.data!.items.map((volume) => volume.name)).toEqual(['pg-data', 'scratch']);
    const local = await send(volumesList({ client: alice.client, path: alice.path, query: { provider: 'local', zone: OTHER_ZONE } }));
    expect(local.data!.items.map((volume) => volume.name)).toEqual(['scratch']);
    const paged = await send(volumesList({ client: alice.client, path: alice.path, query: { limit: 1 } }));
    expect(paged.data!.items).toHaveLength(1);
    const next = await send(volumesList({ client: alice.client, path: alice.path, query: { limit: 1, cursor: paged.data!.nextCursor! } }));
    expect(next.data).toMatchObject({ items: [{ name: 'scratch' }], nextCursor: null });

    const bob = await signup();
    for (const result of [
      await send(volumesGet({ client: bob.client, path: { ...alice.path, volumeId: id } })),
      await send(volumesGet({ client: bob.client, path: { ...bob.path, volumeId: id } })),
      await send(volumesDelete({ client: bob.client, path: { ...bob.path, volumeId: id } })),
      await send(volumesUpdate({ client: bob.client, path: { ...bob.path, volumeId: id }, body: { sizeGib: 30 } })),
      await send(volumesList({ client: bob.client, path: alice.path })),
    ]) {
      expect(result.status).toBe(404);
    }
    expect((await send(volumesList({ client: bob.client, path: bob.path }))).data!.items).toEqual([]);
  });

  it('checks scopes: volumes:read reads, volumes:write changes', async () => {
    const alice = await signup();
    const reader = await send(tokensCreate({ client: alice.client, path: alice.path, body: { name: 'r', scopes: ['volumes:read'] } }));
    const client = api.client(reader.data!.token);
    expect((await send(volumesList({ client, path: alice.path }))).status).toBe(200);
    const denied = await send(volumesCreate({ client, path: alice.path, body: { name: 'x', zone: ZONE, provider: 'statemesh', sizeGib: 1 } }));
    expect(denied.status).toBe(403);
  });

  it('refuses duplicate live names, unknown zones and fields, and frees a name on delete', async () => {
    const alice = await signup();
    const first = await create(alice, { name: 'data', zone: ZONE, provider: 'statemesh', sizeGib: 1 });
    const duplicate = await create(alice, { name: 'data', zone: OTHER_ZONE, provider: 'local', sizeGib: 1 });
    expect(duplicate.status).toBe(409);
    expect(duplicate.error).toMatchObject({ code: 'volume.name_taken' });

    expect((await create(alice, { name: 'z', zone: 'nowhere', provider: 'statemesh', sizeGib: 1 })).error).toMatchObject({
      status: 422,
      code: 'volume.zone_unknown',
    });
    expect((await create(alice, { name: 'z', zone: 'vol-zone-off', provider: 'statemesh', sizeGib: 1 })).error).toMatchObject({
      code: 'volume.zone_unknown',
    });
    const unknownField = await create(alice, { name: 'z', zone: ZONE, provider: 'statemesh', sizeGib: 1, colour: 'red' } as CreateVolumeDto);
    expect(unknownField.status).toBe(400);
    expect((await create(alice, { name: 'Bad_Name', zone: ZONE, provider: 'statemesh', sizeGib: 1 })).status).toBe(400);
    expect((await create(alice, { name: 'z', zone: ZONE, provider: 'statemesh' })).error).toMatchObject({
      status: 422,
      errors: [expect.objectContaining({ field: 'sizeGib' })],
    });
    expect((await create(alice, { name: 'z', zone: ZONE, provider: 'local', sizeGib: 1, replicas: 2 })).error).toMatchObject({
      code: 'volume.invalid_provider_settings',
    });
    expect((await create(alice, { name: 'z', zone: ZONE, provider: 'local', sizeGib: 1, nodeId: 'nosuchnode' })).error).toMatchObject({
      code: 'volume.node_unknown',
    });
    expect((await create(alice, { name: 'z', zone: ZONE, provider: 'statemesh', sizeGib: 1, labels: { Bad: 'x' } })).status).toBe(400);

    const stale = await send(volumesDelete({ client: alice.client, path: { ...alice.path, volumeId: first.data!.id }, headers: { 'if-match': '"v9"' } }));
    expect(stale.status).toBe(412);
    const deleted = await send(volumesDelete({ client: alice.client, path: { ...alice.path, volumeId: first.data!.id }, headers: { 'if-match': '"v1"' } }));
    expect(deleted.status).toBe(204);
    expect((await send(volumesGet({ client: alice.client, path: { ...alice.path, volumeId: first.data!.id } }))).status).toBe(404);
    expect((await create(alice, { name: 'data', zone: ZONE, provider: 'statemesh', sizeGib: 1 })).status).toBe(201);
  });

  it('replays a create with the same Idempotency-Key', async () => {
    const alice = await signup();
    const body: CreateVolumeDto = { name: 'once', zone: ZONE, provider: 'statemesh', sizeGib: 3 };
    const first = await create(alice, body, { 'idempotency-key': 'vol-once' });
    const again = await create(alice, body, { 'idempotency-key': 'vol-once' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.data).toEqual(first.data);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await create(alice, { ...body, sizeGib: 4 }, { 'idempotency-key': 'vol-once' })).status).toBe(422);
  });

  it('grows, renames and relabels with If-Match, and never shrinks', async () => {
    const alice = await signup();
    const created = await create(alice, { name: 'grow', zone: ZONE, provider: 'statemesh', sizeGib: 10 });
    const path = { ...alice.path, volumeId: created.data!.id };

    const grown = await send(volumesUpdate({ client: alice.client, path, body: { sizeGib: 15, name: 'grown', labels: { tier: 'gold' } }, headers: { 'if-match': '"v1"' } }));
    expect(grown.status).toBe(200);
    expect(grown.data).toMatchObject({ sizeGib: 15, name: 'grown', labels: { tier: 'gold' }, version: 2 });
    expect(grown.headers.get('etag')).toBe('"v2"');

    const shrink = await send(volumesUpdate({ client: alice.client, path, body: { sizeGib: 14 } }));
    expect(shrink.status).toBe(422);
    expect(shrink.error).toMatchObject({ code: 'volume.shrink_not_allowed', currentSizeGib: 15 });

    const stale = await send(volumesUpdate({ client: alice.client, path, body: { sizeGib: 20 }, headers: { 'if-match': '"v1"' } }));
    expect(stale.status).toBe(412);
    const same = await send(volumesUpdate({ client: alice.client, path, body: { sizeGib: 15 } }));
    expect(same.data).toMatchObject({ sizeGib: 15 });

    await create(alice, { name: 'other', zone: ZONE, provider: 'statemesh', sizeGib: 1 });
    expect((await send(volumesUpdate({ client: alice.client, path, body: { name: 'other' } }))).error).toMatchObject({ code: 'volume.name_taken' });
  });

  it('attaches to a live VM of the account in the same zone, refuses deleting while attached, and detaches', async () => {
    const alice = await signup();
    const volume = await create(alice, { name: 'att', zone: ZONE, provider: 'statemesh', sizeGib: 10 });
    const path = { ...alice.path, volumeId: volume.data!.id };
    const vm = await insertVm(alice.accountId);
    const vm2 = await insertVm(alice.accountId);
    const farVm = await insertVm(alice.accountId, { zone: OTHER_ZONE });
    const deletedVm = await insertVm(alice.accountId, { status: 'deleted' });
    const bob = await signup();
    const bobVm = await insertVm(bob.accountId);

    expect((await send(volumesAttach({ client: alice.client, path, body: { vmId: farVm } }))).error).toMatchObject({ code: 'volume.zone_mismatch' });
    expect((await send(volumesAttach({ client: alice.client, path, body: { vmId: deletedVm } }))).error).toMatchObject({ code: 'volume.vm_unknown' });
    expect((await send(volumesAttach({ client: alice.client, path, body: { vmId: bobVm } }))).error).toMatchObject({ code: 'volume.vm_unknown' });

    const attached = await send(volumesAttach({ client: alice.client, path, body: { vmId: vm } }));
    expect(attached.status).toBe(200);
    expect(attached.data).toMatchObject({ status: 'attached', attachedVmId: vm });
    expect((await send(volumesAttach({ client: alice.client, path, body: { vmId: vm } }))).data).toMatchObject({ attachedVmId: vm });

    const elsewhere = await send(volumesAttach({ client: alice.client, path, body: { vmId: vm2 } }));
    expect(elsewhere.status).toBe(409);
    expect(elsewhere.error).toMatchObject({ code: 'volume.attached_elsewhere', attachedVmId: vm });

    const busy = await send(volumesDelete({ client: alice.client, path }));
    expect(busy.status).toBe(409);
    expect(busy.error).toMatchObject({ code: 'volume.attached' });

    // Growing an attached volume is allowed (online resize).
    expect((await send(volumesUpdate({ client: alice.client, path, body: { sizeGib: 11 } }))).data).toMatchObject({ sizeGib: 11, status: 'attached' });

    const detached = await send(volumesDetach({ client: alice.client, path }));
    expect(detached.status).toBe(200);
    expect(detached.data).toMatchObject({ status: 'available', attachedVmId: null });
    expect((await send(volumesDetach({ client: alice.client, path }))).data).toMatchObject({ status: 'available' });
    expect((await send(volumesDelete({ client: alice.client, path }))).status).toBe(204);
  });

  it('lets only one of many concurrent attaches win', async () => {
    const alice = await signup();
    const volume = await create(alice, { name: 'race', zone: ZONE, provider: 'statemesh', sizeGib: 1 });
    const vms: string[] = [];
    for (let i = 0; i < 6; i++) vms.push(await insertVm(alice.accountId));
    const results = await Promise.all(
      vms.map((vmId) => send(volumesAttach({ client: alice.client, path: { ...alice.path, volumeId: volume.data!.id }, body: { vmId } }))),
    );
    expect(results.filter((result) => result.status === 200)).toHaveLength(1);
    expect(results.filter((result) => result.status === 409)).toHaveLength(5);
  });

  it('binds a local volume to its VM’s node, pins VMs to it, and loses it with the node', async () => {
    const alice = await signup();
    const attachments = api.app.get(VolumeAttachmentService);
    const nodeA = `nodea${Date.now().toString(36)}`;
    const prisma = api.app.get(PrismaService);
    // A local volume's disk is held on its node: the node must exist, take work and have room.
    await prisma.node.create({
      data: {
        id: nodeA,
        accountId: alice.accountId,
        name: nodeA,
        zone: ZONE,
        class: 'datacenter',
        arch: 'x86_64',
        virtualization: true,
        publicKey: `key-${nodeA}`,
        capacityVcpu: 8,
        capacityMemoryMib: 16384,
        capacityDiskGib: 1000,
        status: 'active',
        eligible: true,
      },
    });
    const local = await create(alice, { name: 'fast', zone: ZONE, provider: 'local', sizeGib: 50 });
    expect(local.data).toMatchObject({ status: 'available', nodeId: null, persistence: 'node', replicas: null });
    const path = { ...alice.path, volumeId: local.data!.id };

    const pending = await insertVm(alice.accountId);
    await send(volumesAttach({ client: alice.client, path, body: { vmId: pending } }));
    expect(await attachments.localPinOf(pending)).toBeNull();
    expect(await prisma.$transaction((tx) => attachments.bindLocalVolumes(pending, nodeA, tx))).toBe(1);
    expect(await attachments.localPinOf(pending)).toBe(nodeA);
    expect((await send(volumesGet({ client: alice.client, path }))).data).toMatchObject({ nodeId: nodeA });
    expect((await prisma.node.findUniqueOrThrow({ where: { id: nodeA } })).allocatedDiskGib).toBe(50);
    await send(volumesDetach({ client: alice.client, path }));

    const elsewhere = await insertVm(alice.accountId, { nodeId: 'othernode' });
    const mismatch = await send(volumesAttach({ client: alice.client, path, body: { vmId: elsewhere } }));
    expect(mismatch.status).toBe(409);
    expect(mismatch.error).toMatchObject({ code: 'volume.node_mismatch' });

    // A local volume's snapshot stays on its node.
    const snapshot = await send(volumeSnapshotsCreate({ client: alice.client, path, body: { name: 'before' } }));
    expect(snapshot.status).toBe(201);
    expect(snapshot.data).toMatchObject({ location: 'node', nodeId: nodeA, status: 'creating', provider: 'local', volumeId: local.data!.id });
    await api.app.get(VolumeSnapshotsService).finish(snapshot.data!.id, 'available');
    const restoredElsewhere = await create(alice, { name: 'copy', zone: ZONE, provider: 'statemesh', source: { kind: 'snapshot', snapshotId: snapshot.data!.id } });
    expect(restoredElsewhere.error).toMatchObject({ code: 'volume.source_not_supported' });
    const restored = await create(alice, { name: 'copy', zone: ZONE, provider: 'local', source: { kind: 'snapshot', snapshotId: snapshot.data!.id } });
    expect(restored.data).toMatchObject({ nodeId: nodeA, sizeGib: 50, status: 'creating', source: { kind: 'snapshot', ref: snapshot.data!.id } });

    const loss = await attachments.markLostForNode(nodeA);
    expect(loss.volumeIds.sort()).toEqual([local.data!.id, restored.data!.id].sort());
    expect(loss.snapshotIds).toEqual([snapshot.data!.id]);
    expect((await send(volumesGet({ client: alice.client, path }))).data).toMatchObject({ status: 'lost' });
    expect((await send(volumeSnapshotsGet({ client: alice.client, path: { ...alice.path, snapshotId: snapshot.data!.id } }))).data).toMatchObject({
      status: 'lost',
    });
  });

  it('gives the compute context attach, detach and snapshot records inside its own transactions', async () => {
    const alice = await signup();
    const attachments = api.app.get(VolumeAttachmentService);
    const prisma = api.app.get(PrismaService);
    const volume = await create(alice, { name: 'for-vm', zone: ZONE, provider: 'statemesh', sizeGib: 2 });
    const volumeId = volume.data!.id;
    const vm = await insertVm(alice.accountId);

    expect(await attachments.findAttachable(alice.accountId, volumeId, ZONE)).toMatchObject({ id: volumeId });
    await expect(attachments.findAttachable(alice.accountId, volumeId, OTHER_ZONE)).rejects.toMatchObject({ code: 'volume.zone_mismatch' });
    const bob = await signup();
    await expect(attachments.findAttachable(bob.accountId, volumeId, ZONE)).rejects.toMatchObject({ code: 'volume.unknown', status: 422 });

    // A rolled-back transaction leaves the volume as it was.
    await expect(
      prisma.$transaction(async (tx) => {
        await attachments.markAttached(volumeId, vm, tx);
        throw new Error('VM creation failed');
      }),
    ).rejects.toThrow('VM creation failed');
    expect((await send(volumesGet({ client: alice.client, path: { ...alice.path, volumeId } }))).data).toMatchObject({ status: 'available' });

    await prisma.$transaction((tx) => attachments.markAttached(volumeId, vm, tx));
    expect((await attachments.attachedTo(vm)).map((attached) => attached.id)).toEqual([volumeId]);
    await expect(attachments.findAttachable(alice.accountId, volumeId, ZONE)).rejects.toMatchObject({ code: 'volume.attached_elsewhere' });

    const snapshots = api.app.get(VolumeSnapshotsService);
    const recorded = await prisma.$transaction((tx) => snapshots.recordSnapshot({ accountId: alice.accountId, volumeId, vmId: vm, name: 'nightly' }, tx));
    expect(recorded).toMatchObject({ vmId: vm, volumeId, status: 'available', location: 'platform', name: 'nightly' });

    expect(await prisma.$transaction((tx) => attachments.detachAllFromVm(vm, tx))).toEqual([expect.objectContaining({ id: volumeId, status: 'available' })]);
    expect(await prisma.$transaction((tx) => attachments.markDetached(volumeId, tx))).toBeNull();
  });

  it('snapshots platform volumes at once, restores them (also in another zone), and deletes snapshots', async () => {
    const alice = await signup();
    const volume = await create(alice, { name: 'src', zone: ZONE, provider: 'statemesh', sizeGib: 8 });
    const path = { ...alice.path, volumeId: volume.data!.id };
    const snap = await send(volumeSnapshotsCreate({ client: alice.client, path, body: {} }));
    expect(snap.status).toBe(201);
    expect(snap.data).toMatchObject({ status: 'available', location: 'platform', nodeId: null, sizeGib: 8, zone: ZONE, name: null });
    expect(snap.headers.get('etag')).toBe('"v1"');
    const snapshotId = snap.data!.id;

    const listed = await send(volumeSnapshotsListForVolume({ client: alice.client, path }));
    expect(listed.data!.items.map((item) => item.id)).toEqual([snapshotId]);
    const all = await send(volumeSnapshotsList({ client: alice.client, path: alice.path, query: { volumeId: volume.data!.id } }));
    expect(all.data!.items.map((item) => item.id)).toEqual([snapshotId]);

    const restored = await create(alice, { name: 'restored', zone: ZONE, provider: 'statemesh', source: { kind: 'snapshot', snapshotId } });
    expect(restored.status).toBe(201);
    expect(restored.data).toMatchObject({ sizeGib: 8, status: 'available', source: { kind: 'snapshot', ref: snapshotId } });
    const elsewhere = await create(alice, { name: 'far', zone: OTHER_ZONE, provider: 'statemesh', sizeGib: 9, source: { kind: 'snapshot', snapshotId } });
    expect(elsewhere.data).toMatchObject({ zone: OTHER_ZONE, sizeGib: 9 });
    const tooSmall = await create(alice, { name: 'small', zone: ZONE, provider: 'statemesh', sizeGib: 7, source: { kind: 'snapshot', snapshotId } });
    expect(tooSmall.error).toMatchObject({ status: 422, code: 'volume.size_too_small' });

    // Snapshots outlive their volume and belong to their account only.
    expect((await send(volumesDelete({ client: alice.client, path }))).status).toBe(204);
    expect((await send(volumeSnapshotsGet({ client: alice.client, path: { ...alice.path, snapshotId } }))).status).toBe(200);
    expect((await send(volumeSnapshotsListForVolume({ client: alice.client, path }))).status).toBe(404);
    const bob = await signup();
    expect((await send(volumeSnapshotsGet({ client: bob.client, path: { ...bob.path, snapshotId } }))).status).toBe(404);
    expect((await create(bob, { name: 'steal', zone: ZONE, provider: 'statemesh', source: { kind: 'snapshot', snapshotId } })).error).toMatchObject({
      code: 'volume.snapshot_unknown',
    });

    expect((await send(volumeSnapshotsDelete({ client: alice.client, path: { ...alice.path, snapshotId } }))).status).toBe(204);
    expect((await send(volumeSnapshotsGet({ client: alice.client, path: { ...alice.path, snapshotId } }))).status).toBe(404);
    expect((await create(alice, { name: 'gone', zone: ZONE, provider: 'statemesh', source: { kind: 'snapshot', snapshotId } })).error).toMatchObject({
      code: 'volume.snapshot_unknown',
    });
  });

  it('creates volumes from catalog images and public URLs, left creating for the node agent', async () => {
    const alice = await signup();
    const image = await create(alice, { name: 'os', zone: ZONE, provider: 'statemesh', source: { kind: 'image', image: IMAGE } });
    expect(image.status).toBe(201);
    expect(image.data).toMatchObject({ sizeGib: 10, status: 'creating', source: { kind: 'image', ref: IMAGE } });
    expect((await create(alice, { name: 'os2', zone: ZONE, provider: 'statemesh', sizeGib: 9, source: { kind: 'image', image: IMAGE } })).error).toMatchObject({
      code: 'volume.size_too_small',
    });
    expect((await create(alice, { name: 'os3', zone: ZONE, provider: 'statemesh', source: { kind: 'image', image: 'no-such-os' } })).error).toMatchObject({
      code: 'volume.image_unknown',
    });
    expect((await create(alice, { name: 'os4', zone: ZONE, provider: 'statemesh', sizeGib: 10, source: { kind: 'image', image: IMAGE, url: 'https://x.example.com/' } })).status).toBe(422);

    const url = await create(alice, {
      name: 'web',
      zone: ZONE,
      provider: 'statemesh',
      sizeGib: 4,
      source: { kind: 'url', url: 'HTTPS://Downloads.Example.COM./images/disk.img' },
    });
    expect(url.status).toBe(201);
    expect(url.data).toMatchObject({ status: 'creating', source: { kind: 'url', ref: 'https://downloads.example.com/images/disk.img' } });
    const stored = await db.query(`SELECT "sourceAddresses" FROM volumes WHERE id = $1`, [url.data!.id]);
    expect(stored.rows[0].sourceAddresses).toEqual(['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c']);

    const ready = await api.app.get(VolumeAttachmentService).finishCreation(url.data!.id, { status: 'available' });
    expect(ready).toMatchObject({ status: 'available' });
  });

  describe('SSRF guard on URL sources', () => {
    it('has a corpus of at least 30 refused URLs', () => {
      expect(SSRF_CORPUS.length).toBeGreaterThanOrEqual(30);
    });

    it.each(SSRF_CORPUS)('refuses %s with 422 volume.source_url_refused', async (url) => {
      const alice = await signup();
      const refused = await create(alice, { name: 'ssrf', zone: ZONE, provider: 'statemesh', sizeGib: 1, source: { kind: 'url', url } });
      expect(refused.status).toBe(422);
      expect(refused.error).toMatchObject({
        code: 'volume.source_url_refused',
        reason: expect.stringMatching(/^volume\.source_url_/),
        detail: expect.any(String),
        errors: [expect.objectContaining({ field: 'source.url' })],
      });
      expect((await send(volumesList({ client: alice.client, path: alice.path }))).data!.items).toEqual([]);
    });

    it('refuses every private, loopback, link-local, CGNAT or multicast IPv4 address in any notation', async () => {
      const alice = await signup();
      const nonPublic = fc.oneof(
        fc.tuple(fc.constant(10), fc.nat(255), fc.nat(255), fc.nat(255)),
        fc.tuple(fc.constant(127), fc.nat(255), fc.nat(255), fc.nat(255)),
        fc.tuple(fc.constant(169), fc.constant(254), fc.nat(255), fc.nat(255)),
        fc.tuple(fc.constant(172), fc.integer({ min: 16, max: 31 }), fc.nat(255), fc.nat(255)),
        fc.tuple(fc.constant(192), fc.constant(168), fc.nat(255), fc.nat(255)),
        fc.tuple(fc.constant(100), fc.integer({ min: 64, max: 127 }), fc.nat(255), fc.nat(255)),
        fc.tuple(fc.integer({ min: 224, max: 239 }), fc.nat(255), fc.nat(255), fc.nat(255)),
      );
      const notation = fc.constantFrom('dotted', 'decimal', 'hex', 'octal', 'mapped-v6', 'trailing-dot');
      await fc.assert(
        fc.asyncProperty(nonPublic, notation, async (octets, form) => {
          const value = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
          const host = {
            dotted: octets.join('.'),
            decimal: String(value),
            hex: `0x${value.toString(16)}`,
            octal: octets.map((octet) => `0${octet.toString(8)}`).join('.'),
            'mapped-v6': `[::ffff:${octets.join('.')}]`,
            'trailing-dot': `${octets.join('.')}.`,
          }[form];
          const refused = await create(alice, { name: 'prop', zone: ZONE, provider: 'statemesh', sizeGib: 1, source: { kind: 'url', url: `http://${host}/disk.img` } });
          expect(refused.status).toBe(422);
          expect(refused.error).toMatchObject({ code: 'volume.source_url_refused', reason: 'volume.source_url_address_forbidden' });
        }),
        { numRuns: 40 },
      );
    });
  });

  describe('s3 volumes', () => {
    const sentKeys: string[] = [];

    function keys() {
      const generated = s3Keys();
      sentKeys.push(generated.accessKeyId, generated.secretAccessKey);
      return generated;
    }

    function expectNoKeys(result: unknown): void {
      const shown = JSON.stringify(result);
      for (const key of sentKeys) expect(shown).not.toContain(key);
    }

    it('keeps the keys as an account secret and never shows them', async () => {
      const alice = await signup();
      const created = await create(
        alice,
        {
          name: 'bucket',
          zone: ZONE,
          provider: 's3',
          sizeGib: 100,
          s3: { endpoint: 'https://s3.eu-west-1.amazonaws.com', region: 'eu-west-1', bucket: 'my-bucket', prefix: 'vols/', ...keys() },
        },
        { 'idempotency-key': `s3-${Date.now()}` },
      );
      expect(created.status).toBe(201);
      const secretName = `volume-${created.data!.id}-s3`;
      expect(created.data).toMatchObject({
        provider: 's3',
        persistence: 'bucket',
        status: 'available',
        s3: { endpoint: 'https://s3.eu-west-1.amazonaws.com/', region: 'eu-west-1', bucket: 'my-bucket', prefix: 'vols/', credentialsSecret: secretName },
      });
      expect(Object.keys(created.data!.s3!).sort()).toEqual(['bucket', 'credentialsSecret', 'endpoint', 'prefix', 'region']);
      const path = { ...alice.path, volumeId: created.data!.id };
      const got = await send(volumesGet({ client: alice.client, path }));
      const listed = await send(volumesList({ client: alice.client, path: alice.path }));
      const secrets = await send(secretsList({ client: alice.client, path: alice.path }));
      expect(secrets.data!.items.map((secret) => secret.name)).toEqual([secretName]);
      for (const result of [created, got, listed, secrets]) expectNoKeys({ data: result.data, error: result.error, headers: [...result.headers] });

      // The keys open only for the node agent hand-off.
      const revealed = await api.app.get(SecretsService).revealForAccount(alice.accountId, [secretName]);
      expect(JSON.parse(revealed.get(secretName)!)).toEqual({ accessKeyId: sentKeys[0], secretAccessKey: sentKeys[1] });

      const volumes = await db.query(`SELECT v::text AS row FROM volumes v`);
      const secretRows = await db.query(`SELECT s::text AS row FROM secrets s`);
      const idempotency = await db.query(`SELECT i::text AS row FROM idempotency_records i`);
      const dump = [...volumes.rows, ...secretRows.rows, ...idempotency.rows].map((row) => row.row).join('\n');
      expect(dump).toContain(secretName);
      for (const key of sentKeys) {
        const bytes = Buffer.from(key, 'utf8');
        for (const form of [key, bytes.toString('base64'), bytes.toString('hex')]) expect(dump.includes(form)).toBe(false);
      }

      expect((await send(volumesDelete({ client: alice.client, path }))).status).toBe(204);
      expect((await send(secretsList({ client: alice.client, path: alice.path }))).data!.items).toEqual([]);
    });

    it('refuses s3 endpoints that are not public servers, and s3 settings on other providers', async () => {
      const alice = await signup();
      for (const endpoint of ['http://169.254.169.254/', 'http://minio.internal:9000', 'http://[::1]:9000', 'ftp://s3.example.com']) {
        const refused = await create(alice, {
          name: 'b',
          zone: ZONE,
          provider: 's3',
          sizeGib: 1,
          s3: { endpoint, region: 'r', bucket: 'bkt', ...keys() },
        });
        expect(refused.status).toBe(422);
        expect(refused.error).toMatchObject({ code: 'volume.s3_endpoint_refused' });
        expectNoKeys(refused.error);
      }
      const misplaced = await create(alice, {
        name: 'b',
        zone: ZONE,
        provider: 'statemesh',
        sizeGib: 1,
        s3: { endpoint: 'https://s3.example.com', region: 'r', bucket: 'bkt', ...keys() },
      });
      expect(misplaced.error).toMatchObject({ code: 'volume.invalid_provider_settings' });
      expect((await create(alice, { name: 'b', zone: ZONE, provider: 's3', sizeGib: 1 })).error).toMatchObject({ code: 'volume.invalid_provider_settings' });
      expect((await send(secretsList({ client: alice.client, path: alice.path }))).data!.items).toEqual([]);
      expect(api.logs.lines.some((line) => sentKeys.some((key) => line.includes(key)))).toBe(false);
    });
  });
});
