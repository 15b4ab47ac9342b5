import { usageList, volumesCreate, volumesDelete, walletsGet, type VolumeResponseDto } from '@statemesh/sdk';
import { chargeFor, splitCharge } from '@statemesh/billing';
import type { VolumeProvider } from '@statemesh/database';
import { ComputeStack, type StackNode, type Tenant } from '../compute/compute-stack';
import { eventually } from '../nodes/time-tower-fixtures';
import { send } from '../support/api-harness';

const PERIOD_SECONDS = 4;

/**
 * Money for volumes: the worker settles short periods ("hours" of 4 s) while
 * a tenant holds a platform volume and a local volume on an operator's node;
 * the tenant pays size × GiB-hour price for every second each existed, the
 * operator its share of the local one, the platform the rest.
 */
describe('settlement of volumes', () => {
  let stack: ComputeStack;
  let node: StackNode;

  async function wallet(who: { accountId: string; client: Tenant['client'] }) {
    return (await send(walletsGet({ client: who.client, path: { accountId: who.accountId } }))).data!;
  }

  async function platformRevenue(): Promise<bigint> {
    return (await stack.prisma.wallet.findUniqueOrThrow({ where: { id: 'platform_revenue' } })).balance;
  }

  async function pricePerGibHour(provider: VolumeProvider): Promise<bigint> {
    return (await stack.prisma.volumePrice.findFirstOrThrow({ where: { provider }, orderBy: { priceListId: 'desc' } })).perGibHour;
  }

  beforeAll(async () => {
    stack = await ComputeStack.start('volume_billing', { SETTLEMENT_PERIOD_SECONDS: String(PERIOD_SECONDS), MIN_RUNWAY_HOURS: '0' });
    await stack.startWorker();
    node = await stack.addNode();
    await stack.untilEligible([node]);
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('charges every second each volume existed at its size and provider price; the operator of a local volume’s node is paid its share', async () => {
    const tenant = await stack.signupTenant();
    const operator = { accountId: stack.operator.accountId, client: stack.operator.client };
    const tenantBefore = BigInt((await wallet(tenant)).balance);
    const operatorBefore = BigInt((await wallet(operator)).balance);
    const revenueBefore = await platformRevenue();
    const prices = { statemesh: await pricePerGibHour('statemesh'), local: await pricePerGibHour('local') };

    const create = async (body: Record<string, unknown>) => {
      const created = await send(volumesCreate({ client: tenant.client, path: { accountId: tenant.accountId }, body: body as never }));
      expect(created.status).toBe(201);
      return created.data! as VolumeResponseDto;
    };
    const platformVolume = await create({ name: 'shared', zone: 'eu-west', provider: 'statemesh', sizeGib: 10 });
    const localVolume = await create({ name: 'fast', zone: 'eu-west', provider: 'local', sizeGib: 20, nodeId: node.id });
    expect(localVolume).toMatchObject({ status: 'available', nodeId: node.id });

    // The burn rate counts both volumes at current prices (the tenant runs nothing else).
    const burning = await wallet(tenant);
    expect(BigInt(burning.burnRatePerHour)).toBe(10n * prices.statemesh + 20n * prices.local);
    expect(burning.runwayHours).not.toBeNull();

    await eventually(
      'two settled periods with both volumes throughout',
      async () => {
        const whole = await stack.prisma.settlementLine.groupBy({ by: ['resourceId'], where: { accountId: tenant.accountId, resourceKind: 'volume', seconds: PERIOD_SECONDS }, _count: true });
        return whole.length === 2 && whole.every((group) => group._count >= 2) ? true : undefined;
      },
      60_000,
      500,
    );
    for (const volume of [platformVolume, localVolume]) {
      expect((await send(volumesDelete({ client: tenant.client, path: { accountId: tenant.accountId, volumeId: volume.id } }))).status).toBe(204);
    }
    const deletedAt = new Date();
    expect(BigInt((await wallet(tenant)).burnRatePerHour)).toBe(0n);
    await eventually(
      'settlement past the deletions',
      async () => {
        const cursor = await stack.prisma.settlementCursor.findUnique({ where: { source: 'volume' } });
        return cursor && cursor.settledUntil.getTime() > deletedAt.getTime() + 1_000 ? true : undefined;
      },
      30_000,
      250,
    );

    const rows = await stack.prisma.settlementLine.findMany({ where: { accountId: tenant.accountId } });
    const parts = await stack.prisma.settlementLinePart.findMany({ where: { lineId: { in: rows.map((line) => line.id) } }, orderBy: [{ lineId: 'asc' }, { position: 'asc' }] });
    const lines = rows.map((line) => ({ ...line, parts: parts.filter((part) => part.lineId === line.id) }));
    expect(new Set(lines.map((line) => line.resourceKind))).toEqual(new Set(['volume']));
    for (const [volume, sizeGib, price] of [
      [platformVolume, 10, prices.statemesh],
      [localVolume, 20, prices.local],
    ] as const) {
      const row = await stack.prisma.volume.findUniqueOrThrow({ where: { id: volume.id } });
      const own = lines.filter((line) => line.resourceId === volume.id);
      // Every whole second from creation to deletion, each period charged size × price × seconds / 3600 to the micro-unit.
      expect(own.reduce((total, line) => total + line.seconds, 0)).toBe(Math.floor(row.deletedAt!.getTime() / 1000) - Math.floor(row.createdAt.getTime() / 1000));
      for (const line of own) {
        expect(line.chargeMicro).toBe(chargeFor(line.seconds * sizeGib, price));
        expect(line.parts.map((part) => [part.component, part.quantity, part.pricePerHourMicro, part.nodeId])).toEqual([['storage', sizeGib, price, volume.provider === 'local' ? node.id : null]]);
      }
    }

    const charged = tenantBefore - BigInt((await wallet(tenant)).balance);
    expect(charged).toBe(lines.reduce((total, line) => total + line.chargeMicro, 0n));
    expect(charged).toBeGreaterThanOrEqual(2n * (chargeFor(PERIOD_SECONDS * 10, prices.statemesh) + chargeFor(PERIOD_SECONDS * 20, prices.local)));
    // The operator gets the local volume's charge minus the fee, taken per line; the platform everything else.
    const localSplits = lines.filter((line) => line.resourceId === localVolume.id).map((line) => splitCharge(line.chargeMicro, 1_500));
    const operatorShare = localSplits.reduce((total, split) => total + split.operatorShare, 0n);
    expect(operatorShare).toBeGreaterThan(0n);
    expect(BigInt((await wallet(operator)).balance) - operatorBefore).toBe(operatorShare);
    expect((await platformRevenue()) - revenueBefore).toBe(charged - operatorShare);

    // The usage route lists both volumes.
    const usage = await send(usageList({ client: tenant.client, path: { accountId: tenant.accountId }, query: { groupBy: 'resource', limit: 200 } }));
    for (const volume of [platformVolume, localVolume]) {
      const item = usage.data!.items.find((entry) => entry.resourceId === volume.id);
      expect(item).toMatchObject({ resourceKind: 'volume' });
      expect(BigInt(item!.charge)).toBe(lines.filter((line) => line.resourceId === volume.id).reduce((total, line) => total + line.chargeMicro, 0n));
    }
  }, 120_000);
});
