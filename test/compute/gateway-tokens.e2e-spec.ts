import { GatewayRoute, GatewayTokenGuard } from '@statemesh/compute';
import { PrismaService } from '@statemesh/database';
import { hashSecret } from '@statemesh/identity';
import { adminCatalogCreateZone, adminGatewayTokensIssue, adminGatewayTokensList, adminGatewayTokensRevoke, type GatewayTokenResponseDto } from '@statemesh/sdk';
import { signupAdmin, signupUser, type SignedUpUser } from '../support/admin';
import { send, startApi, type ApiHarness } from '../support/api-harness';

/** A gateway route, as a routes controller would declare one. */
class GatewayRoutes {
  @GatewayRoute()
  routes(): void {}
}

/** The execution context of a request with this authorization header to the gateway route above. */
function gatewayRequest(authorization: string): { context: never; request: Record<string, unknown> } {
  const request: Record<string, unknown> = { headers: { authorization } };
  const context = {
    getHandler: () => GatewayRoutes.prototype.routes,
    getClass: () => GatewayRoutes,
    switchToHttp: () => ({ getRequest: () => request }),
  } as never;
  return { context, request };
}

describe('gateway tokens', () => {
  let api: ApiHarness;
  let admin: SignedUpUser;
  let user: SignedUpUser;
  const zone = `gw-${process.pid}-${Date.now().toString(36)}`;

  beforeAll(async () => {
    api = await startApi();
    admin = await signupAdmin(api);
    user = await signupUser(api);
    const created = await send(adminCatalogCreateZone({ client: admin.client, body: { name: zone, displayName: 'Gateway test zone', udpPortMin: 40000, udpPortMax: 40099 } }));
    expect(created.status).toBe(201);
  });

  afterAll(async () => {
    await api.close();
  });

  async function listAll(): Promise<GatewayTokenResponseDto[]> {
    const items: GatewayTokenResponseDto[] = [];
    let cursor: string | undefined;
    do {
      const page = await send(adminGatewayTokensList({ client: admin.client, query: { limit: 200, cursor } }));
      items.push(...page.data!.items);
      cursor = page.data!.nextCursor ?? undefined;
    } while (cursor);
    return items;
  }

  it('issues a token shown once, stored only as its hash', async () => {
    const issued = await send(adminGatewayTokensIssue({ client: admin.client, body: { name: 'edge-1', zones: [zone, zone] } }));
    expect(issued.status).toBe(201);
    expect(issued.data).toMatchObject({ name: 'edge-1', zones: [zone], createdBy: `user:${admin.userId}`, lastUsedAt: null });
    expect(issued.data!.token).toMatch(/^smg_[A-Za-z0-9_-]{40,}$/);

    const row = await api.app.get(PrismaService).gatewayToken.findUniqueOrThrow({ where: { id: issued.data!.id } });
    expect(row.tokenHash).toBe(hashSecret(issued.data!.token));
    expect(JSON.stringify(row)).not.toContain(issued.data!.token);

    const listed = (await listAll()).find((token) => token.id === issued.data!.id);
    expect(listed).toEqual({ id: issued.data!.id, name: 'edge-1', zones: [zone], createdBy: `user:${admin.userId}`, createdAt: issued.data!.createdAt, lastUsedAt: null });
    expect(listed).not.toHaveProperty('token');

    const everywhere = await send(adminGatewayTokensIssue({ client: admin.client, body: { name: 'edge-all' } }));
    expect(everywhere.data).toMatchObject({ zones: [] });
  });

  it('refuses unknown zones (422) and malformed bodies (400)', async () => {
    const unknown = await send(adminGatewayTokensIssue({ client: admin.client, body: { name: 'edge-2', zones: [zone, 'no-such-zone'] } }));
    expect(unknown.status).toBe(422);
    expect(unknown.error).toMatchObject({ code: 'gateway.invalid_zones', errors: [expect.objectContaining({ field: 'zones[1]' })] });
    expect((await send(adminGatewayTokensIssue({ client: admin.client, body: { name: '' } }))).status).toBe(400);
    expect((await send(adminGatewayTokensIssue({ client: admin.client, body: { name: 'x', zones: 'eu-west' } as never }))).status).toBe(400);
    expect((await send(adminGatewayTokensIssue({ client: admin.client, body: { name: 'x', token: 'smg_mine' } as never }))).status).toBe(400);
  });

  it('is for platform admins only', async () => {
    expect((await send(adminGatewayTokensIssue({ client: api.client(), body: { name: 'edge' } }))).status).toBe(401);
    expect((await send(adminGatewayTokensIssue({ client: user.client, body: { name: 'edge' } }))).status).toBe(403);
    expect((await send(adminGatewayTokensList({ client: user.client }))).status).toBe(403);
    expect((await send(adminGatewayTokensRevoke({ client: user.client, path: { tokenId: 'whatever' } }))).status).toBe(403);
  });

  it('authenticates its gateway until revoked; revoking twice is 404', async () => {
    const issued = await send(adminGatewayTokensIssue({ client: admin.client, body: { name: 'edge-revoked', zones: [zone] } }));
    const guard = api.app.get(GatewayTokenGuard);
    const { context, request } = gatewayRequest(`Bearer ${issued.data!.token}`);
    await expect(guard.canActivate(context)).resolves.toBe(true);
    expect(request.gatewaySession).toEqual({ tokenId: issued.data!.id, zones: [zone] });
    // User sessions are not gateway credentials.
    const asUser = await guard.canActivate(gatewayRequest(`Bearer ${admin.accessToken}`).context).catch((error: unknown) => error);
    expect(asUser).toMatchObject({ status: 401 });

    expect((await send(adminGatewayTokensRevoke({ client: admin.client, path: { tokenId: issued.data!.id } }))).status).toBe(204);
    expect((await send(adminGatewayTokensRevoke({ client: admin.client, path: { tokenId: issued.data!.id } }))).status).toBe(404);
    expect((await listAll()).map((token) => token.id)).not.toContain(issued.data!.id);

    const refused = await guard.canActivate(gatewayRequest(`Bearer ${issued.data!.token}`).context).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 401, code: 'gateway.unauthenticated' });
  });

  it('records the last use, at most once a minute', async () => {
    const issued = await send(adminGatewayTokensIssue({ client: admin.client, body: { name: 'edge-used' } }));
    const guard = api.app.get(GatewayTokenGuard);
    const use = () => guard.canActivate(gatewayRequest(`Bearer ${issued.data!.token}`).context);
    await use();
    const prisma = api.app.get(PrismaService);
    const firstUse = async () => (await prisma.gatewayToken.findUniqueOrThrow({ where: { id: issued.data!.id } })).lastUsedAt;
    for (let attempt = 0; attempt < 50 && !(await firstUse()); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    const first = await firstUse();
    expect(first).not.toBeNull();
    await use();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await firstUse()).toEqual(first);
    const listed = (await listAll()).find((token) => token.id === issued.data!.id);
    expect(listed!.lastUsedAt).toBe(first!.toISOString());
  });
});
