import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '@statemesh/common';
import type { GatewayToken } from '@statemesh/database';
import { generateSecret, hashSecret } from '@statemesh/identity';
import type { FastifyRequest } from 'fastify';
import { GatewayRoute } from './gateway-route.decorator';
import { assertGatewayZone, gatewayMayRead, GATEWAY_TOKEN_PREFIX } from './gateway-session';
import { GatewayTokenGuard } from './gateway-token.guard';
import type { GatewayTokenRepository } from './gateway-token.repository';

class RoutesController {
  @GatewayRoute()
  gatewayRoute(): void {}

  publicRoute(): void {}
}

function contextFor(handler: keyof RoutesController, authorization?: string): { context: ExecutionContext; request: FastifyRequest } {
  const request = { headers: authorization === undefined ? {} : { authorization } } as unknown as FastifyRequest;
  const context = {
    getHandler: () => RoutesController.prototype[handler],
    getClass: () => RoutesController,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
  return { context, request };
}

describe('GatewayTokenGuard', () => {
  const secret = generateSecret(GATEWAY_TOKEN_PREFIX);
  const revokedSecret = generateSecret(GATEWAY_TOKEN_PREFIX);
  const token = (id: string, revokedAt: Date | null): GatewayToken => ({
    id,
    name: id,
    zones: ['eu-west'],
    tokenHash: '',
    createdBy: 'user:admin',
    createdAt: new Date(),
    lastUsedAt: null,
    revokedAt,
  });
  const stored = new Map([
    [hashSecret(secret), token('live', null)],
    [hashSecret(revokedSecret), token('revoked', new Date())],
  ]);
  let touched: string[];
  let guard: GatewayTokenGuard;

  beforeEach(() => {
    touched = [];
    const repository = {
      findByHash: async (hash: string) => stored.get(hash) ?? null,
      touchLastUsed: async (id: string) => void touched.push(id),
    } as unknown as GatewayTokenRepository;
    guard = new GatewayTokenGuard(new Reflector(), repository);
  });

  it('lets a smg_ token through as its gateway, with its zones, and records the use', async () => {
    const { context, request } = contextFor('gatewayRoute', `Bearer ${secret}`);
    await expect(guard.canActivate(context)).resolves.toBe(true);
    expect(request.gatewaySession).toEqual({ tokenId: 'live', zones: ['eu-west'] });
    expect(request.principal).toEqual({ key: 'gateway:live' });
    expect(touched).toEqual(['live']);
  });

  it('refuses revoked, unknown and foreign credentials with 401', async () => {
    const foreign = [
      undefined,
      `Bearer ${revokedSecret}`,
      `Bearer ${generateSecret(GATEWAY_TOKEN_PREFIX)}`,
      `Bearer ${generateSecret('smk_')}`,
      'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln',
      secret,
      `Basic ${secret}`,
    ];
    for (const authorization of foreign) {
      const { context, request } = contextFor('gatewayRoute', authorization);
      const failure = await guard.canActivate(context).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(DomainError);
      expect(failure).toMatchObject({ status: 401, code: 'gateway.unauthenticated' });
      expect(request.gatewaySession).toBeUndefined();
    }
    expect(touched).toEqual([]);
  });

  it('leaves routes that are not gateway routes alone', async () => {
    const { context, request } = contextFor('publicRoute');
    await expect(guard.canActivate(context)).resolves.toBe(true);
    expect(request.gatewaySession).toBeUndefined();
  });
});

describe('gateway zones', () => {
  it('allows the token’s zones, or every zone when it names none', () => {
    expect(gatewayMayRead({ tokenId: 't', zones: [] }, 'us-east')).toBe(true);
    expect(gatewayMayRead({ tokenId: 't', zones: ['eu-west'] }, 'eu-west')).toBe(true);
    expect(gatewayMayRead({ tokenId: 't', zones: ['eu-west'] }, 'us-east')).toBe(false);
    expect(() => assertGatewayZone({ tokenId: 't', zones: ['eu-west'] }, 'us-east')).toThrow(expect.objectContaining({ status: 404 }));
    expect(() => assertGatewayZone({ tokenId: 't', zones: ['eu-west'] }, 'eu-west')).not.toThrow();
  });
});
