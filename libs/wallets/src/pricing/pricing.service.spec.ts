import type { Db } from '@statemesh/database';
import type { PriceListRepository } from './price-list.repository';
import type { PriceListVersion } from './price-list.types';
import { PricingService } from './pricing.service';

function version(id: string, effectiveFrom: Date): PriceListVersion {
  return {
    id,
    effectiveFrom,
    platformFeeBps: 1_500,
    instanceTypePerHour: new Map([['s1.small', 10n]]),
    volumePerGibHour: { statemesh: 1n, local: 1n, s3: 1n },
    publicUdpPortPerHour: 1n,
    publicIpv4PerHour: 1n,
    note: null,
    createdBy: 'test',
    createdAt: effectiveFrom,
  };
}

/** Answers from a list of versions, counting the reads and remembering through which client each was made. */
class FakePriceLists {
  reads = 0;
  readThrough: unknown[] = [];
  constructor(public versions: PriceListVersion[]) {}
  async findEffectiveAt(at: Date, db?: unknown): Promise<PriceListVersion | null> {
    this.reads += 1;
    this.readThrough.push(db);
    await Promise.resolve();
    const inEffect = this.versions.filter((candidate) => candidate.effectiveFrom <= at).sort((a, b) => b.effectiveFrom.getTime() - a.effectiveFrom.getTime());
    return inEffect[0] ?? null;
  }
}

describe('PricingService.priceListAt', () => {
  const now = new Date('2026-12-05T15:20:00Z');

  beforeEach(() => {
    jest.useFakeTimers({ now });
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('reuses the version of the current hour for 10 s, then reads it again', async () => {
    const priceLists = new FakePriceLists([version('v1', new Date(0))]);
    const pricing = new PricingService(priceLists as unknown as PriceListRepository);
    expect((await pricing.priceListAt(new Date()))?.id).toBe('v1');
    jest.advanceTimersByTime(9_000);
    expect((await pricing.priceListAt(new Date()))?.id).toBe('v1');
    expect(priceLists.reads).toBe(1);
    jest.advanceTimersByTime(2_000);
    await pricing.priceListAt(new Date());
    expect(priceLists.reads).toBe(2);
  });

  it('reads the database for another hour, and from the start of the next hour', async () => {
    const priceLists = new FakePriceLists([version('v1', new Date(0)), version('v2', new Date('2026-12-05T16:00:00Z'))]);
    const pricing = new PricingService(priceLists as unknown as PriceListRepository);
    expect((await pricing.priceListAt(new Date()))?.id).toBe('v1');
    expect((await pricing.priceListAt(new Date('2026-12-05T14:00:00Z')))?.id).toBe('v1');
    expect(priceLists.reads).toBe(2);
    jest.setSystemTime(new Date('2026-12-05T16:00:00Z'));
    expect((await pricing.priceListAt(new Date()))?.id).toBe('v2');
  });

  it('does not keep "no price list": the first one is seen as soon as it exists', async () => {
    const priceLists = new FakePriceLists([]);
    const pricing = new PricingService(priceLists as unknown as PriceListRepository);
    expect(await pricing.priceListAt(new Date())).toBeNull();
    priceLists.versions.push(version('v1', new Date(0)));
    expect((await pricing.priceListAt(new Date()))?.id).toBe('v1');
  });

  it('reads through the caller’s transaction when given one, never through another connection', async () => {
    const priceLists = new FakePriceLists([version('v1', new Date(0))]);
    const pricing = new PricingService(priceLists as unknown as PriceListRepository);
    const transaction = { name: 'transaction' } as unknown as Db;
    expect((await pricing.priceListAt(new Date(), transaction))?.id).toBe('v1');
    expect(priceLists.readThrough).toEqual([transaction]);
    // What it read is reused by everyone, in a transaction or not.
    expect((await pricing.priceListAt(new Date()))?.id).toBe('v1');
    expect(priceLists.reads).toBe(1);
  });

  it('makes callers outside a transaction share one read', async () => {
    const priceLists = new FakePriceLists([version('v1', new Date(0))]);
    const pricing = new PricingService(priceLists as unknown as PriceListRepository);
    const versions = await Promise.all(Array.from({ length: 50 }, () => pricing.priceListAt(new Date())));
    expect(versions.map((read) => read?.id)).toEqual(Array(50).fill('v1'));
    expect(priceLists.reads).toBe(1);
    expect(priceLists.readThrough).toEqual([undefined]);
  });
});
