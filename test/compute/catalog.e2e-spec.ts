import { CatalogService, seedCatalog } from '@statemesh/compute';
import { PrismaService } from '@statemesh/database';
import {
  adminCatalogCreateImage,
  adminCatalogCreateInstanceType,
  adminCatalogCreateZone,
  adminCatalogDeleteImage,
  adminCatalogDeleteInstanceType,
  adminCatalogDeleteZone,
  adminCatalogUpdateImage,
  adminCatalogUpdateInstanceType,
  adminCatalogUpdateZone,
  adminQuotasGet,
  adminQuotasPut,
  adminQuotasReset,
  catalogGetImage,
  catalogGetInstanceType,
  catalogGetZone,
  catalogListImages,
  catalogListInstanceTypes,
  catalogListZones,
  quotasGet,
} from '@statemesh/sdk';
import { seedDefaultPrices } from '@statemesh/wallets';
import { newId } from '@statemesh/common';
import { defaultMigrationPaths } from '../../libs/database/src/migrations/cli';
import { dropDatabase } from '../../libs/database/src/migrations/migration-adapter';
import { applyMigrations } from '../../libs/database/src/migrations/schema-engine';
import { signupAdmin, signupUser, type SignedUpUser } from '../support/admin';
import { send, startApi, type ApiHarness } from '../support/api-harness';
import { scratchDatabaseUrl } from '../support/test-environment';

// The catalog is global: this suite has a database of its own, so that the
// counts it checks are exact and other suites never see its changes.
describe('compute catalog and quotas', () => {
  const databaseUrl = scratchDatabaseUrl('catalog');
  let api: ApiHarness;
  let admin: SignedUpUser;
  let user: SignedUpUser;
  let prisma: PrismaService;

  beforeAll(async () => {
    await applyMigrations(databaseUrl, defaultMigrationPaths());
    api = await startApi({ DATABASE_URL: databaseUrl, BASE_DOMAIN: 'example.net', QUOTA_DEFAULT_MAX_VMS: '7' });
    prisma = api.app.get(PrismaService);
    admin = await signupAdmin(api);
    user = await signupUser(api);
  });

  afterAll(async () => {
    await api.close();
    await dropDatabase(databaseUrl);
  });

  /** A live VM of `accountId` referring to catalog entries (as the VM service would create it). */
  async function insertVm(accountId: string, refs: { zone: string; image: string; instanceType: string }, size = { vcpu: 2, memoryMib: 4096 }) {
    const id = newId();
    await prisma.vm.create({
      data: { id, accountId, name: `vm-${id}`, liveName: `vm-${id}`, ...refs, ...size, rootDiskGib: 20, mode: 'persistent', runStrategy: 'always' },
    });
    return id;
  }

  describe('seeded catalog', () => {
    it('seeds zones, images and instance types once, however many seeders run', async () => {
      const runs = await Promise.all([seedCatalog(prisma), seedCatalog(prisma), seedCatalog(prisma)]);
      expect(runs.reduce((sum, run) => sum + run.created, 0)).toBe(2 + 6 + 21);
      expect((await seedCatalog(prisma)).created).toBe(0);
      await seedDefaultPrices(prisma);
    });

    it('lists zones publicly with their DNS suffix and UDP pool', async () => {
      const zones = await send(catalogListZones({ client: api.client() }));
      expect(zones.status).toBe(200);
      expect(zones.data).toEqual({
        items: [
          expect.objectContaining({ name: 'eu-west', dnsSuffix: 'eu-west.example.net', udpPortMin: 20000, udpPortMax: 29999, enabled: true }),
          expect.objectContaining({ name: 'us-east', dnsSuffix: 'us-east.example.net', enabled: true }),
        ],
        nextCursor: null,
      });
      const one = await send(catalogGetZone({ client: api.client(), path: { zone: 'eu-west' } }));
      expect(one.status).toBe(200);
      expect(one.headers.get('etag')).toBe('"v1"');
      expect(one.data).toMatchObject({ name: 'eu-west', displayName: 'Europe West' });
      expect((await send(catalogGetZone({ client: api.client(), path: { zone: 'mars-1' } }))).status).toBe(404);
    });

    it('lists the six 64-bit images with their minimum disk', async () => {
      const images = await send(catalogListImages({ client: api.client() }));
      expect(images.data!.items.map((image) => image.name)).toEqual([
        'centos-stream-9',
        'fedora-40',
        'fedora-41',
        'ubuntu-20.04',
        'ubuntu-22.04',
        'ubuntu-24.04',
      ]);
      for (const image of images.data!.items) {
        expect(image).toMatchObject({ arch: 'x86_64', enabled: true, sourceUrl: expect.stringMatching(/^https:\/\//) });
        expect(image.minDiskGib).toBeGreaterThan(0);
      }
      const ubuntu = await send(catalogGetImage({ client: api.client(), path: { image: 'ubuntu-24.04' } }));
      expect(ubuntu.data).toMatchObject({ osFamily: 'ubuntu', osVersion: '24.04' });
    });

    it('lists the 21 instance types with their current price, in pages', async () => {
      const all = await send(catalogListInstanceTypes({ client: api.client(), query: { limit: 200 } }));
      expect(all.data!.items).toHaveLength(21);
      expect(all.data!.nextCursor).toBeNull();
      const byName = new Map(all.data!.items.map((type) => [type.name, type]));
      expect(byName.get('s1.small')).toMatchObject({ series: 's', size: 'small', vcpu: 1, memoryMib: 2048, pricePerHour: '12000', currency: 'USD' });
      expect(byName.get('m1.8xlarge')).toMatchObject({ vcpu: 64, memoryMib: 262144 });
      for (const type of all.data!.items) {
        expect(type.pricePerHour).toMatch(/^[1-9][0-9]*$/);
        expect(type.vcpu).toBeLessThanOrEqual(64);
        expect(type.memoryMib).toBeLessThanOrEqual(262144);
      }

      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await send(catalogListInstanceTypes({ client: api.client(), query: { limit: 8, cursor } }));
        expect(page.data!.items.length).toBeLessThanOrEqual(8);
        seen.push(...page.data!.items.map((type) => type.name));
        cursor = page.data!.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(all.data!.items.map((type) => type.name));
      expect([...seen].sort()).toEqual(seen);

      const one = await send(catalogGetInstanceType({ client: api.client(), path: { instanceType: 'u1.large' } }));
      expect(one.data).toMatchObject({ vcpu: 4, memoryMib: 16384, pricePerHour: String(4 * 8000 + 16 * 2000) });
    });
  });

  describe('admin changes', () => {
    it('creates a zone (201), refuses its name again (409) and semantic problems (422) and unknown fields (400)', async () => {
      const body = { name: 'ap-south', displayName: 'Asia Pacific South', udpPortMin: 30000, udpPortMax: 30999 };
      const created = await send(adminCatalogCreateZone({ client: admin.client, body }));
      expect(created.status).toBe(201);
      expect(created.headers.get('etag')).toBe('"v1"');
      expect(created.data).toMatchObject({ ...body, dnsSuffix: 'ap-south.example.net', enabled: true });

      const again = await send(adminCatalogCreateZone({ client: admin.client, body }));
      expect(again.status).toBe(409);
      expect(again.error).toMatchObject({ code: 'catalog.name_taken' });

      const inverted = await send(adminCatalogCreateZone({ client: admin.client, body: { ...body, name: 'ap-east', udpPortMin: 40000, udpPortMax: 39999 } }));
      expect(inverted.status).toBe(422);
      expect(inverted.error).toMatchObject({ code: 'catalog.invalid', errors: [expect.objectContaining({ field: 'udpPortMin' })] });

      const badName = await send(adminCatalogCreateZone({ client: admin.client, body: { ...body, name: 'Asia_Pacific' } }));
      expect(badName.status).toBe(422);
      expect(badName.error!.errors).toEqual([expect.objectContaining({ field: 'name' })]);

      const unknownField = await send(adminCatalogCreateZone({ client: admin.client, body: { ...body, name: 'ap-west', color: 'red' } as never }));
      expect(unknownField.status).toBe(400);
      expect(unknownField.error!.errors).toEqual([expect.objectContaining({ field: 'color', code: 'unknown_field' })]);
      const wrongType = await send(adminCatalogCreateZone({ client: admin.client, body: { ...body, name: 'ap-west', udpPortMin: '30000' } as never }));
      expect(wrongType.status).toBe(400);
    });

    it('changes a zone under If-Match (412 when stale) and retires it', async () => {
      const stale = await send(adminCatalogUpdateZone({ client: admin.client, path: { zone: 'ap-south' }, headers: { 'If-Match': '"v7"' }, body: { enabled: false } }));
      expect(stale.status).toBe(412);
      const changed = await send(
        adminCatalogUpdateZone({ client: admin.client, path: { zone: 'ap-south' }, headers: { 'If-Match': '"v1"' }, body: { enabled: false, udpPortMax: 31999 } }),
      );
      expect(changed.status).toBe(200);
      expect(changed.headers.get('etag')).toBe('"v2"');
      expect(changed.data).toMatchObject({ enabled: false, udpPortMin: 30000, udpPortMax: 31999 });
      const semantic = await send(adminCatalogUpdateZone({ client: admin.client, path: { zone: 'ap-south' }, body: { udpPortMin: 40000 } }));
      expect(semantic.status).toBe(422);
      const missing = await send(adminCatalogUpdateZone({ client: admin.client, path: { zone: 'nowhere' }, body: { enabled: true } }));
      expect(missing.status).toBe(404);

      const enabledOnly = await send(catalogListZones({ client: api.client(), query: { enabled: true } }));
      expect(enabledOnly.data!.items.map((zone) => zone.name)).toEqual(['eu-west', 'us-east']);
      const retired = await send(catalogListZones({ client: api.client(), query: { enabled: false } }));
      expect(retired.data!.items.map((zone) => zone.name)).toEqual(['ap-south']);
    });

    it('creates, changes and deletes images and instance types with the same rules', async () => {
      const image = await send(
        adminCatalogCreateImage({
          client: admin.client,
          body: { name: 'debian-12', displayName: 'Debian 12', osFamily: 'debian', osVersion: '12', minDiskGib: 8, sourceUrl: 'https://cloud.debian.org/debian-12.qcow2' },
        }),
      );
      expect(image.status).toBe(201);
      expect(image.data).toMatchObject({ name: 'debian-12', arch: 'x86_64', minDiskGib: 8, enabled: true });
      const badImage = await send(
        adminCatalogCreateImage({ client: admin.client, body: { name: 'tiny', displayName: 'Tiny', osFamily: 'x', osVersion: '1', minDiskGib: 0, arch: 'i386' as never } }),
      );
      expect(badImage.status).toBe(422);
      expect(badImage.error!.errors!.map((error) => error.field).sort()).toEqual(['arch', 'minDiskGib']);
      const patched = await send(adminCatalogUpdateImage({ client: admin.client, path: { image: 'debian-12' }, headers: { 'If-Match': '"v1"' }, body: { sourceUrl: null } }));
      expect(patched.data).toMatchObject({ sourceUrl: null });
      const nullName = await send(adminCatalogUpdateImage({ client: admin.client, path: { image: 'debian-12' }, body: { displayName: null } as never }));
      expect(nullName.status).toBe(400);

      const tooBig = await send(adminCatalogCreateInstanceType({ client: admin.client, body: { name: 'x1.huge', vcpu: 65, memoryMib: 300_000 } }));
      expect(tooBig.status).toBe(422);
      expect(tooBig.error!.errors!.map((error) => error.field)).toEqual(['vcpu', 'memoryMib']);
      const gpu = await send(adminCatalogCreateInstanceType({ client: admin.client, body: { name: 'g1.large', vcpu: 8, memoryMib: 65536, gpuModel: 'nvidia-l4', gpuCount: 1 } }));
      expect(gpu.status).toBe(201);
      // Not in the price list until an admin prices it.
      expect(gpu.data).toMatchObject({ series: 'g', size: 'large', gpuModel: 'nvidia-l4', gpuCount: 1, pricePerHour: null });
      const taken = await send(adminCatalogCreateInstanceType({ client: admin.client, body: { name: 's1.small', vcpu: 1, memoryMib: 2048 } }));
      expect(taken.status).toBe(409);
      const resized = await send(adminCatalogUpdateInstanceType({ client: admin.client, path: { instanceType: 'g1.large' }, body: { vcpu: 64, memoryMib: 262145 } }));
      expect(resized.status).toBe(422);
      const retired = await send(adminCatalogUpdateInstanceType({ client: admin.client, path: { instanceType: 'g1.large' }, body: { enabled: false } }));
      expect(retired.data).toMatchObject({ enabled: false });

      expect((await send(adminCatalogDeleteImage({ client: admin.client, path: { image: 'debian-12' }, headers: { 'If-Match': '"v1"' } }))).status).toBe(412);
      expect((await send(adminCatalogDeleteImage({ client: admin.client, path: { image: 'debian-12' }, headers: { 'If-Match': '"v2"' } }))).status).toBe(204);
      expect((await send(catalogGetImage({ client: api.client(), path: { image: 'debian-12' } }))).status).toBe(404);
      expect((await send(adminCatalogDeleteImage({ client: admin.client, path: { image: 'debian-12' } }))).status).toBe(404);
      expect((await send(adminCatalogDeleteInstanceType({ client: admin.client, path: { instanceType: 'g1.large' } }))).status).toBe(204);
    });

    it('refuses to delete what a live VM uses (409), and allows it once the VM is deleted', async () => {
      await send(adminCatalogCreateZone({ client: admin.client, body: { name: 'sa-east', displayName: 'South America East', udpPortMin: 20000, udpPortMax: 20999 } }));
      const vmId = await insertVm(user.accountId, { zone: 'sa-east', image: 'fedora-41', instanceType: 'u1.small' });

      for (const refused of [
        await send(adminCatalogDeleteZone({ client: admin.client, path: { zone: 'sa-east' } })),
        await send(adminCatalogDeleteImage({ client: admin.client, path: { image: 'fedora-41' } })),
        await send(adminCatalogDeleteInstanceType({ client: admin.client, path: { instanceType: 'u1.small' } })),
      ]) {
        expect(refused.status).toBe(409);
        expect(refused.error).toMatchObject({ code: 'catalog.in_use', liveVms: 1 });
      }

      await prisma.vm.update({ where: { id: vmId }, data: { status: 'deleted', deletedAt: new Date(), liveName: null } });
      expect((await send(adminCatalogDeleteZone({ client: admin.client, path: { zone: 'sa-east' } }))).status).toBe(204);
    });

    it('is for platform admins only: 401 without credentials, 403 for other users', async () => {
      const body = { name: 'eu-north', displayName: 'Europe North', udpPortMin: 1000, udpPortMax: 2000 };
      expect((await send(adminCatalogCreateZone({ client: api.client(), body }))).status).toBe(401);
      const forbidden = await send(adminCatalogCreateZone({ client: user.client, body }));
      expect(forbidden.status).toBe(403);
      expect((await send(adminCatalogUpdateZone({ client: user.client, path: { zone: 'eu-west' }, body: { enabled: false } }))).status).toBe(403);
      expect((await send(adminCatalogDeleteInstanceType({ client: user.client, path: { instanceType: 's1.small' } }))).status).toBe(403);
      expect((await send(adminQuotasGet({ client: user.client, path: { accountId: user.accountId } }))).status).toBe(403);
      expect((await send(catalogGetZone({ client: api.client(), path: { zone: 'eu-north' } }))).status).toBe(404);
    });
  });

  describe('resolving a VM', () => {
    it('returns the zone, image and instance type records, in or out of a transaction', async () => {
      const catalog = api.app.get(CatalogService);
      const request = { zone: 'eu-west', image: 'ubuntu-22.04', instanceType: 'm1.large', rootDiskGib: 10 };
      const resolved = await catalog.resolveForVm(request);
      expect(resolved.zone).toMatchObject({ name: 'eu-west', udpPortMin: 20000 });
      expect(resolved.image).toMatchObject({ name: 'ubuntu-22.04', minDiskGib: 10 });
      expect(resolved.instanceType).toMatchObject({ name: 'm1.large', vcpu: 4, memoryMib: 32768 });
      const inTransaction = await prisma.$transaction((tx) => catalog.resolveForVm(request, tx));
      expect(inTransaction.instanceType.name).toBe('m1.large');
      expect(await catalog.findZone('nowhere')).toBeNull();
    });

    it('names every field that cannot take a new VM (422)', async () => {
      const catalog = api.app.get(CatalogService);
      // ap-south was retired above.
      const failure = await catalog
        .resolveForVm({ zone: 'ap-south', image: 'plan9', instanceType: 's1.small', rootDiskGib: 5 })
        .catch((error: unknown) => error);
      expect(failure).toMatchObject({
        status: 422,
        code: 'catalog.unavailable',
        fieldErrors: [expect.objectContaining({ field: 'zone', code: 'disabled' }), expect.objectContaining({ field: 'image', code: 'unknown' })],
      });
      const small = await catalog.resolveForVm({ zone: 'eu-west', image: 'ubuntu-24.04', instanceType: 'x9.none', rootDiskGib: 9 }).catch((error: unknown) => error);
      expect(small).toMatchObject({
        fieldErrors: [expect.objectContaining({ field: 'instanceType', code: 'unknown' }), expect.objectContaining({ field: 'rootDiskGib', code: 'below_image_minimum' })],
      });
    });
  });

  describe('quotas', () => {
    it('has the configured defaults and counts live VMs only', async () => {
      const owner = await signupUser(api);
      await insertVm(owner.accountId, { zone: 'eu-west', image: 'ubuntu-24.04', instanceType: 's1.medium' }, { vcpu: 2, memoryMib: 4096 });
      await insertVm(owner.accountId, { zone: 'eu-west', image: 'ubuntu-24.04', instanceType: 'u1.large' }, { vcpu: 4, memoryMib: 16384 });
      const gone = await insertVm(owner.accountId, { zone: 'eu-west', image: 'ubuntu-24.04', instanceType: 's1.small' }, { vcpu: 1, memoryMib: 2048 });
      await prisma.vm.update({ where: { id: gone }, data: { status: 'deleted', deletedAt: new Date(), liveName: null } });

      const own = await send(quotasGet({ client: owner.client, path: { accountId: owner.accountId } }));
      expect(own.status).toBe(200);
      expect(own.data).toEqual({
        accountId: owner.accountId,
        maxVms: 7,
        maxVcpu: 64,
        maxMemoryMib: 262144,
        source: 'default',
        updatedAt: null,
        usage: { vms: 2, vcpu: 6, memoryMib: 20480 },
      });
      // Another account's quota is not the caller's business.
      expect((await send(quotasGet({ client: user.client, path: { accountId: owner.accountId } }))).status).toBe(404);

      const put = await send(adminQuotasPut({ client: admin.client, path: { accountId: owner.accountId }, body: { maxVms: 3, maxVcpu: 12, maxMemoryMib: 32768 } }));
      expect(put.status).toBe(200);
      expect(put.data).toMatchObject({ maxVms: 3, maxVcpu: 12, maxMemoryMib: 32768, source: 'account', usage: { vms: 2 } });
      expect((await send(quotasGet({ client: owner.client, path: { accountId: owner.accountId } }))).data).toMatchObject({ maxVms: 3, source: 'account' });
      expect((await send(adminQuotasGet({ client: admin.client, path: { accountId: owner.accountId } }))).data).toMatchObject({ maxVcpu: 12 });

      const negative = await send(adminQuotasPut({ client: admin.client, path: { accountId: owner.accountId }, body: { maxVms: -1, maxVcpu: 12, maxMemoryMib: 32768 } }));
      expect(negative.status).toBe(422);
      expect(negative.error).toMatchObject({ code: 'quota.invalid', errors: [expect.objectContaining({ field: 'maxVms' })] });
      const missingField = await send(adminQuotasPut({ client: admin.client, path: { accountId: owner.accountId }, body: { maxVms: 1 } as never }));
      expect(missingField.status).toBe(400);

      expect((await send(adminQuotasReset({ client: admin.client, path: { accountId: owner.accountId } }))).status).toBe(204);
      expect((await send(adminQuotasGet({ client: admin.client, path: { accountId: owner.accountId } }))).data).toMatchObject({ maxVms: 7, source: 'default' });
    });

    it('answers 404 for an unknown account', async () => {
      const unknown = 'zzzzzzzzzzzzzzzzzz';
      expect((await send(adminQuotasGet({ client: admin.client, path: { accountId: unknown } }))).status).toBe(404);
      expect((await send(adminQuotasPut({ client: admin.client, path: { accountId: unknown }, body: { maxVms: 1, maxVcpu: 1, maxMemoryMib: 1024 } }))).status).toBe(404);
    });
  });
});
