import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '@statemesh/common';
import { hashSecret } from '@statemesh/identity';
import type { FastifyRequest } from 'fastify';
import { GATEWAY_TOKEN_PREFIX, gatewayPrincipal } from './gateway-session';
import { GatewayTokenErrors } from './gateway-tokens.errors';
import { GatewayTokenRepository } from './gateway-token.repository';

export const GATEWAY_ROUTE = 'statemesh:gateway-route';

/**
 * Authenticates edge gateways on `@GatewayRoute()` routes: a `smg_` bearer
 * token that was issued and not revoked. Anything else — no token, a user
 * access token, an API token, a node session token — is 401. Other routes
 * are left alone.
 *
 * `@GatewayRoute()` applies it to the route, so a gateway route can never be
 * left open; the API also runs it globally before the rate limiter, so that
 * rate limits count per gateway. It authenticates a request once, however
 * many times it runs.
 */
@Injectable()
export class GatewayTokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: GatewayTokenRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.reflector.getAllAndOverride<boolean>(GATEWAY_ROUTE, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (request.gatewaySession) return true;
    const header = request.headers.authorization;
    const secret = typeof header === 'string' && header.startsWith(`Bearer ${GATEWAY_TOKEN_PREFIX}`) ? header.slice(7).trim() : undefined;
    const token = secret ? await this.tokens.findByHash(hashSecret(secret)) : null;
    if (!token || token.revokedAt) {
      throw new DomainError(GatewayTokenErrors['gateway.unauthenticated'], 'Gateway routes need a gateway token (smg_...) issued by a platform admin.');
    }
    void this.tokens.touchLastUsed(token.id, new Date()).catch(() => undefined);
    request.gatewaySession = { tokenId: token.id, zones: [...token.zones] };
    request.principal = gatewayPrincipal(token.id);
    return true;
  }
}
