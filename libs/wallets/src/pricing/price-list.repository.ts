import { Injectable } from '@nestjs/common';
import { newId } from '@statemesh/common';
import { PrismaService, type Db, type Prisma, type VolumeProvider } from '@statemesh/database';
import type { PriceListInput, PriceListVersion } from './price-list.types';

const WITH_PRICES = { instanceTypePrices: { orderBy: { instanceType: 'asc' } }, volumePrices: true } satisfies Prisma.PriceListInclude;

type PriceListRow = Prisma.PriceListGetPayload<{ include: typeof WITH_PRICES }>;

function toVersion(row: PriceListRow): PriceListVersion {
  return {
    id: row.id,
    effectiveFrom: row.effectiveFrom,
    platformFeeBps: row.platformFeeBps,
    instanceTypePerHour: new Map(row.instanceTypePrices.map((price) => [price.instanceType, price.perHour])),
    volumePerGibHour: Object.fromEntries(row.volumePrices.map((price) => [price.provider, price.perGibHour])) as Record<VolumeProvider, bigint>,
    publicUdpPortPerHour: row.publicUdpPortPerHour,
    publicIpv4PerHour: row.publicIpv4PerHour,
    note: row.note,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
  };
}

@Injectable()
export class PriceListRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(input: PriceListInput & { createdBy: string }, db: Db = this.prisma): Promise<PriceListVersion> {
    const row = await db.priceList.create({
      data: {
        id: newId(),
        effectiveFrom: input.effectiveFrom,
        platformFeeBps: input.platformFeeBps,
        publicUdpPortPerHour: input.publicUdpPortPerHour,
        publicIpv4PerHour: input.publicIpv4PerHour,
        note: input.note ?? null,
        createdBy: input.createdBy,
        instanceTypePrices: { create: input.instanceTypes.map((price) => ({ instanceType: price.name, perHour: price.perHour })) },
        volumePrices: { create: input.volumes.map((price) => ({ provider: price.provider, perGibHour: price.perGibHour })) },
      },
      include: WITH_PRICES,
    });
    return toVersion(row);
  }

  async findEffectiveAt(at: Date, db: Db = this.prisma): Promise<PriceListVersion | null> {
    const row = await db.priceList.findFirst({
      where: { effectiveFrom: { lte: at } },
      orderBy: { effectiveFrom: 'desc' },
      include: WITH_PRICES,
    });
    return row ? toVersion(row) : null;
  }

  async findById(id: string): Promise<PriceListVersion | null> {
    const row = await this.prisma.priceList.findUnique({ where: { id }, include: WITH_PRICES });
    return row ? toVersion(row) : null;
  }

  /** Newest `effectiveFrom` first; the page key is the `effectiveFrom` of the last item. */
  async list(page: { after?: Date; limit: number }): Promise<PriceListVersion[]> {
    const rows = await this.prisma.priceList.findMany({
      where: page.after ? { effectiveFrom: { lt: page.after } } : {},
      orderBy: { effectiveFrom: 'desc' },
      take: page.limit + 1,
      include: WITH_PRICES,
    });
    return rows.map(toVersion);
  }

  /** Every version whose prices apply somewhere in [from, to): the one in effect at `from` and any starting later. */
  async findCovering(from: Date, to: Date): Promise<PriceListVersion[]> {
    const first = await this.findEffectiveAt(from);
    const later = await this.prisma.priceList.findMany({
      where: { effectiveFrom: { gt: from, lt: to } },
      orderBy: { effectiveFrom: 'asc' },
      include: WITH_PRICES,
    });
    return [...(first ? [first] : []), ...later.map(toVersion)];
  }

  count(db: Db = this.prisma): Promise<number> {
    return db.priceList.count();
  }

  /** Deletes a version only while it has not taken effect; false otherwise (or if it does not exist). */
  async deleteScheduled(id: string, now: Date): Promise<boolean> {
    const { count } = await this.prisma.priceList.deleteMany({ where: { id, effectiveFrom: { gt: now } } });
    return count > 0;
  }
}
