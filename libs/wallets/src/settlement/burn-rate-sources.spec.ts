import type { Db } from '@statemesh/database';
import type { PricingService } from '../pricing/pricing.service';
import type { PriceListVersion } from '../pricing/price-list.types';
import type { BurnRateRegistry } from '../wallets/burn-rate.registry';
import { VmBurnRateSource } from './vm-burn-rate.source';
import type { VmUsageRepository } from './vm-usage.repository';
import { VolumeBurnRateSource } from './volume-burn-rate.source';
import type { VolumeUsageRepository } from './volume-usage.repository';

const prices: PriceListVersion = {
  id: 'v1',
  effectiveFrom: new Date(0),
  platformFeeBps: 0,
  instanceTypePerHour: new Map([['s1.small', 10n]]),
  volumePerGibHour: { statemesh: 2n, local: 1n, s3: 1n },
  publicUdpPortPerHour: 3n,
  publicIpv4PerHour: 0n,
  note: null,
  createdBy: 'test',
  createdAt: new Date(0),
};

/** Records through which client each read was asked for. */
class Reads {
  readonly through: Array<{ what: string; db: unknown }> = [];
  pricing = { priceListAt: async (_at: Date, db?: Db) => (this.through.push({ what: 'prices', db }), prices) } as unknown as PricingService;
  vmUsage = {
    burningResourcesOf: async (accountIds: string[], db?: Db) => (
      this.through.push({ what: 'vms', db }), new Map(accountIds.map((id) => [id, { instanceTypes: [{ instanceType: 's1.small', count: 2 }], udpPorts: 1 }]))
    ),
  } as unknown as VmUsageRepository;
  volumeUsage = {
    billableGibByProviderOf: async (accountIds: string[], db?: Db) => (this.through.push({ what: 'volumes', db }), new Map(accountIds.map((id) => [id, [{ provider: 'statemesh', gib: 5n }]]))),
  } as unknown as VolumeUsageRepository;
}

describe('burn rate sources', () => {
  const registry = {} as BurnRateRegistry;
  const transaction = { name: 'transaction' } as unknown as Db;

  // The wallet's runway is checked inside the create's transaction: a read through another connection could wait for ever.
  it('read prices and usage through the transaction they are given', async () => {
    const reads = new Reads();
    const vms = new VmBurnRateSource(registry, reads.vmUsage, reads.pricing);
    const volumes = new VolumeBurnRateSource(registry, reads.volumeUsage, reads.pricing);
    expect(await vms.hourlyCosts(['a'], transaction)).toEqual(new Map([['a', 2n * 10n + 3n]]));
    expect(await volumes.hourlyCosts(['a'], transaction)).toEqual(new Map([['a', 5n * 2n]]));
    expect(reads.through).toEqual([
      { what: 'prices', db: transaction },
      { what: 'vms', db: transaction },
      { what: 'prices', db: transaction },
      { what: 'volumes', db: transaction },
    ]);
  });
});
