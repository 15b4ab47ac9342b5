import type { AppConfig } from '@statemesh/config';
import type { AdvisoryLock, AdvisoryLocks, Db } from '@statemesh/database';
import type { PricingService } from '@statemesh/wallets';
import type { CatalogRepository } from './catalog.repository';
import { CatalogService } from './catalog.service';
import type { CatalogImage, CatalogInstanceType, CatalogZone } from './catalog.types';

const at = new Date(0);
const zone: CatalogZone = { name: 'eu-west', displayName: 'EU West', udpPortMin: 1, udpPortMax: 9, enabled: true, version: 1, createdAt: at, updatedAt: at };
const image: CatalogImage = {
  name: 'ubuntu-24.04',
  displayName: 'Ubuntu',
  osFamily: 'linux',
  osVersion: '24.04',
  arch: 'x86_64',
  minDiskGib: 10,
  sourceUrl: null,
  enabled: true,
  accountId: null,
  version: 1,
  createdAt: at,
  updatedAt: at,
};
const type: CatalogInstanceType = { name: 's1.small', series: 's', size: 'small', vcpu: 1, memoryMib: 2048, gpuModel: null, gpuCount: 0, enabled: true, version: 1, createdAt: at, updatedAt: at };

/** The catalog tables as the database has them now, counting the reads. */
class FakeCatalog {
  reads = 0;
  entries = { zone: { ...zone }, image: { ...image }, instanceType: { ...type } };
  async findForVm(names: { zone: string; image: string; instanceType: string }) {
    this.reads += 1;
    return {
      zone: this.entries.zone.name === names.zone ? { ...this.entries.zone } : null,
      image: this.entries.image.name === names.image ? { ...this.entries.image } : null,
      instanceType: this.entries.instanceType.name === names.instanceType ? { ...this.entries.instanceType } : null,
    };
  }
}

class FakeLocks {
  held: AdvisoryLock[] = [];
  async hold(_tx: Db, locks: readonly AdvisoryLock[]): Promise<void> {
    this.held.push(...locks);
  }
}

describe('CatalogService.resolveForVm', () => {
  const request = { zone: 'eu-west', image: 'ubuntu-24.04', instanceType: 's1.small', rootDiskGib: 10 };
  const tx = {} as Db;
  let catalog: FakeCatalog;
  let locks: FakeLocks;
  let service: CatalogService;

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-12-05T15:00:00Z') });
    catalog = new FakeCatalog();
    locks = new FakeLocks();
    service = new CatalogService(catalog as unknown as CatalogRepository, {} as PricingService, {} as AppConfig, locks as unknown as AdvisoryLocks);
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('reuses usable entries for 5 s outside a transaction', async () => {
    await service.resolveForVm(request);
    jest.advanceTimersByTime(4_000);
    expect((await service.resolveForVm(request)).zone.name).toBe('eu-west');
    expect(catalog.reads).toBe(1);
    jest.advanceTimersByTime(2_000);
    await service.resolveForVm(request);
    expect(catalog.reads).toBe(2);
  });

  it('confirms a refusal from the database before answering it', async () => {
    await service.resolveForVm(request);
    catalog.entries.image.minDiskGib = 5;
    // The cached image needs 10 GiB; the database says 5 now.
    expect((await service.resolveForVm({ ...request, rootDiskGib: 6 })).image.minDiskGib).toBe(5);
    catalog.entries.zone.enabled = false;
    await expect(service.resolveForVm({ ...request, rootDiskGib: 4 })).rejects.toMatchObject({
      code: 'catalog.unavailable',
      fieldErrors: [expect.objectContaining({ field: 'zone', code: 'disabled' }), expect.objectContaining({ field: 'rootDiskGib', code: 'below_image_minimum' })],
    });
  });

  it('in a transaction, holds the three gates shared and reads the entries as they are now', async () => {
    await service.resolveForVm(request);
    catalog.entries.instanceType.enabled = false;
    await expect(service.resolveForVm(request, tx)).rejects.toMatchObject({ fieldErrors: [expect.objectContaining({ field: 'instanceType', code: 'disabled' })] });
    expect(locks.held).toEqual([
      { key: 'catalog:zone:eu-west', mode: 'shared' },
      { key: 'catalog:image:ubuntu-24.04', mode: 'shared' },
      { key: 'catalog:instanceType:s1.small', mode: 'shared' },
    ]);
    // recheckForVm (after the create took the gates itself) reads the database too, not the cache.
    await expect(service.recheckForVm(request, tx)).rejects.toMatchObject({ code: 'catalog.unavailable' });
    expect(catalog.reads).toBe(3);
  });

  it("does not offer another account's image", async () => {
    catalog.entries.image.accountId = 'someone-else';
    await expect(service.resolveForVm({ ...request, accountId: 'me' })).rejects.toMatchObject({ fieldErrors: [expect.objectContaining({ field: 'image', code: 'unknown' })] });
  });
});
