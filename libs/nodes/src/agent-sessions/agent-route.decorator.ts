import { SetMetadata, UseGuards, applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { Public } from '@statemesh/identity';
import type { FastifyRequest } from 'fastify';
import type { NodeSession } from './node-session';
import { AGENT_ROUTE, NodeSessionGuard } from './node-session.guard';

/** The OpenAPI security scheme of agent routes. */
export const NODE_SESSION_SCHEME = 'node-session';

/**
 * A `/agent/v1` route for node agents only. User sessions and API tokens do
 * not apply (the user access guard lets the route through); the node session
 * guard authenticates the node instead. Handlers receive `@CurrentNode()`
 * and must only read and write that node's data.
 */
export const AgentRoute = () =>
  applyDecorators(Public(), SetMetadata(AGENT_ROUTE, true), UseGuards(NodeSessionGuard), ApiBearerAuth(NODE_SESSION_SCHEME));

/** The authenticated node of an `@AgentRoute()`. */
export const CurrentNode = createParamDecorator(
  (_: unknown, context: ExecutionContext): NodeSession => context.switchToHttp().getRequest<FastifyRequest>().nodeSession as NodeSession,
);
