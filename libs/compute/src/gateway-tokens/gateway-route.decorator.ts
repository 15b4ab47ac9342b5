import { SetMetadata, UseGuards, applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { Public } from '@statemesh/identity';
import type { FastifyRequest } from 'fastify';
import type { GatewaySession } from './gateway-session';
import { GATEWAY_ROUTE, GatewayTokenGuard } from './gateway-token.guard';

/** The OpenAPI security scheme of gateway routes. */
export const GATEWAY_TOKEN_SCHEME = 'gateway-token';

/**
 * A `/gateway/v1` route for edge gateways only. User sessions, API tokens and
 * node sessions do not apply (the user access guard lets the route through);
 * the gateway token guard authenticates the gateway instead. Handlers receive
 * `@CurrentGateway()` and must check each zone they serve with
 * `assertGatewayZone`.
 */
export const GatewayRoute = () =>
  applyDecorators(Public(), SetMetadata(GATEWAY_ROUTE, true), UseGuards(GatewayTokenGuard), ApiBearerAuth(GATEWAY_TOKEN_SCHEME));

/** The authenticated gateway of a `@GatewayRoute()`: its token id and the zones it may read. */
export const CurrentGateway = createParamDecorator(
  (_: unknown, context: ExecutionContext): GatewaySession => context.switchToHttp().getRequest<FastifyRequest>().gatewaySession as GatewaySession,
);
