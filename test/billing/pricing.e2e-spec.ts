import { addHours, hourStart } from '@statemesh/billing';
import { PrismaService } from '@statemesh/database';
import { adminPricingCreate, adminPricingDelete, adminPricingGet, adminPricingList, pricingCurrent, type CreatePriceListDto } from '@statemesh/sdk';
import { PricingService, seedDefaultPrices } from '@statemesh/wallets';
import { signupAdmin, signupUser, type SignedUpUser } from '../support/admin';
import { send, startApi, type ApiHarness } from '../support/api-harness';

// Price lists are global: every test of them is in this file, in order.
describe('versioned prices', () => {
  let api: ApiHarness;
  let admin: SignedUpUser;
  /** When the version scheduled by default takes effect (the start of the hour after it was created). */
  let nextHour: Date;

  beforeAll(async () => {
    api = await startApi();
    admin = await signupAdmin(api);
  });

  afterAll(async () => {
    await api.close();
  });

  function priceList(overrides: Partial<CreatePriceListDto> = {}): CreatePriceListDto {
    return {
      platformFeeBps: 2000,
      instanceTypes: [
        { name: 's1.small', perHour: '15000' },
        { name: 'm1.large', perHour: '90000' },
      ],
      volumes: [
        { provider: 'statemesh', perGibHour: '150' },
        { provider: 'local', perGibHour: '70' },
        { provider: 's3', perGibHour: '0' },
      ],
      publicUdpPortPerHour: '1200',
      publicIpv4PerHour: '6000',
      note: 'Spring prices',
      ...overrides,
    };
  }

  it('has no current price list until one is seeded, and seeding is idempotent', async () => {
    const none = await send(pricingCurrent({ client: api.client() }));
    expect(none.status).toBe(404);
    expect(none.error).toMatchObject({ code: 'price.no_current_list' });

    const prisma = api.app.get(PrismaService);
    const [first, second] = await Promise.all([seedDefaultPrices(prisma), seedDefaultPrices(prisma)]);
    expect([first.created, second.created].sort()).toEqual([false, true]);
    expect((await seedDefaultPrices(prisma)).created).toBe(false);

    // Anyone may read the prices, signed in or not.
    const current = await send(pricingCurrent({ client: api.client() }));
    expect(current.status).toBe(200);
    expect(current.data).toMatchObject({
      effectiveFrom: '1970-01-01T00:00:00.000Z',
      currency: 'USD',
      platformFeeBps: 1500,
      publicUdpPortPerHour: '1000',
      publicIpv4PerHour: '5000',
      volumes: [
        { provider: 'statemesh', perGibHour: '140' },
        { provider: 'local', perGibHour: '60' },
        { provider: 's3', perGibHour: '10' },
      ],
    });
    expect(current.data!.instanceTypes).toHaveLength(21);
    expect(current.data!.instanceTypes).toContainEqual({ name: 's1.small', perHour: '12000' });
  });

  it('schedules a new version from the next hour and leaves the current hour alone', async () => {
    const before = await send(pricingCurrent({ client: api.client() }));
    const created = await send(adminPricingCreate({ client: admin.client, body: priceList() }));
    expect(created.status).toBe(201);
    nextHour = new Date(created.data!.effectiveFrom);
    expect(nextHour.getTime() % 3_600_000).toBe(0);
    expect(nextHour.getTime() - Date.now()).toBeGreaterThan(-1000);
    expect(nextHour.getTime() - Date.now()).toBeLessThanOrEqual(3_600_000);
    expect(created.data).toMatchObject({ platformFeeBps: 2000, note: 'Spring prices' });
    expect(created.data!.instanceTypes).toEqual([
      { name: 'm1.large', perHour: '90000' },
      { name: 's1.small', perHour: '15000' },
    ]);

    // Still the old prices now; usage of the next hour uses the new ones, and of past hours the old.
    expect((await send(pricingCurrent({ client: api.client() }))).data).toEqual(before.data);
    const pricing = api.app.get(PricingService);
    expect((await pricing.priceListAt(hourStart(new Date())))!.id).toBe(before.data!.id);
    const next = (await pricing.priceListAt(nextHour))!;
    expect(next.id).toBe(created.data!.id);
    expect(next.instanceTypePerHour.get('s1.small')).toBe(15_000n);
    expect(next.volumePerGibHour.statemesh).toBe(150n);
    expect((await pricing.priceListAt(addHours(nextHour, 100)))!.id).toBe(created.data!.id);
    expect((await pricing.versionsCovering(addHours(nextHour, -2), addHours(nextHour, 2))).map((v) => v.id)).toEqual([
      before.data!.id,
      created.data!.id,
    ]);

    const fetched = await send(adminPricingGet({ client: admin.client, path: { priceListId: created.data!.id } }));
    expect(fetched.data).toEqual(created.data);

    // One version per hour.
    const clash = await send(adminPricingCreate({ client: admin.client, body: priceList({ effectiveFrom: nextHour.toISOString() }) }));
    expect(clash.status).toBe(409);
    expect(clash.error).toMatchObject({ code: 'price.version_exists' });
  });

  it('only takes effect at the start of a future hour', async () => {
    const now = new Date();
    for (const effectiveFrom of [
      hourStart(now).toISOString(),
      addHours(hourStart(now), -5).toISOString(),
      new Date(addHours(hourStart(now), 3).getTime() + 60_000).toISOString(),
    ]) {
      const refused = await send(adminPricingCreate({ client: admin.client, body: priceList({ effectiveFrom }) }));
      expect(refused.status).toBe(422);
      expect(refused.error).toMatchObject({ code: 'price.invalid_effective_from' });
    }
  });

  it('refuses incomplete or inconsistent lists', async () => {
    const later = (hours: number) => addHours(hourStart(new Date()), hours).toISOString();
    const duplicate = await send(
      adminPricingCreate({
        client: admin.client,
        body: priceList({ effectiveFrom: later(10), instanceTypes: [{ name: 's1.small', perHour: '1' }, { name: 's1.small', perHour: '2' }] }),
      }),
    );
    expect(duplicate.status).toBe(422);
    expect(duplicate.error).toMatchObject({ code: 'price.invalid_list' });
    const twoLocal = priceList({ effectiveFrom: later(10) });
    twoLocal.volumes[2] = { provider: 'local', perGibHour: '1' };
    expect((await send(adminPricingCreate({ client: admin.client, body: twoLocal }))).error).toMatchObject({ code: 'price.invalid_list' });
    const badFee = await send(adminPricingCreate({ client: admin.client, body: priceList({ effectiveFrom: later(10), platformFeeBps: 10_001 }) }));
    expect(badFee.status).toBe(400);
    const badPrice = await send(adminPricingCreate({ client: admin.client, body: priceList({ effectiveFrom: later(10), publicIpv4PerHour: '-1' }) }));
    expect(badPrice.status).toBe(400);
    const badName = await send(
      adminPricingCreate({ client: admin.client, body: priceList({ effectiveFrom: later(10), instanceTypes: [{ name: 'S1 small', perHour: '1' }] }) }),
    );
    expect(badName.status).toBe(400);
  });

  it('lists versions newest first and withdraws only those not yet in effect', async () => {
    const later = addHours(nextHour, 48);
    const scheduled = await send(adminPricingCreate({ client: admin.client, body: priceList({ effectiveFrom: later.toISOString(), note: 'Later' }) }));
    expect(scheduled.status).toBe(201);

    const first = await send(adminPricingList({ client: admin.client, query: { limit: 2 } }));
    expect(first.data!.items.map((item) => item.effectiveFrom)).toEqual([later.toISOString(), nextHour.toISOString()]);
    const second = await send(adminPricingList({ client: admin.client, query: { limit: 2, cursor: first.data!.nextCursor! } }));
    expect(second.data!.items.map((item) => item.effectiveFrom)).toEqual(['1970-01-01T00:00:00.000Z']);
    expect(second.data!.nextCursor).toBeNull();

    const withdrawn = await send(adminPricingDelete({ client: admin.client, path: { priceListId: scheduled.data!.id } }));
    expect(withdrawn.status).toBe(204);
    expect((await send(adminPricingGet({ client: admin.client, path: { priceListId: scheduled.data!.id } }))).status).toBe(404);

    const current = await send(pricingCurrent({ client: api.client() }));
    const inEffect = await send(adminPricingDelete({ client: admin.client, path: { priceListId: current.data!.id } }));
    expect(inEffect.status).toBe(409);
    expect(inEffect.error).toMatchObject({ code: 'price.version_in_effect' });
  });

  it('lets only platform admins manage prices', async () => {
    const alice = await signupUser(api);
    expect((await send(adminPricingList({ client: alice.client }))).status).toBe(403);
    const attempt = await send(adminPricingCreate({ client: alice.client, body: priceList() }));
    expect(attempt.status).toBe(403);
    expect((await send(adminPricingList({ client: api.client() }))).status).toBe(401);
  });
});
