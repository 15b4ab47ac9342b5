import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '@statemesh/common';
import type { FastifyRequest } from 'fastify';
import { NodesErrors } from '../nodes.errors';
import { NodeRepository } from '../registry/node.repository';
import { nodePrincipal } from './node-session';
import { NodeSessionTokens } from './node-session-tokens';

export const AGENT_ROUTE = 'statemesh:agent-route';

/**
 * Authenticates node agents on `@AgentRoute()` routes: a valid node session
 * token whose node still exists and is not decommissioned. Anything else —
 * no token, a user access token, an API token, an expired or forged token —
 * is 401. Other routes are left alone.
 *
 * `@AgentRoute()` applies it to the route, so an agent route can never be
 * left open; the API also runs it globally before the rate limiter, so that
 * rate limits count per node rather than per address. It authenticates a
 * request once, however many times it runs.
 */
@Injectable()
export class NodeSessionGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: NodeSessionTokens,
    private readonly nodes: NodeRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.reflector.getAllAndOverride<boolean>(AGENT_ROUTE, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (request.nodeSession) return true;
    const header = request.headers.authorization;
    const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const nodeId = token ? await this.tokens.verify(token) : null;
    const node = nodeId ? await this.nodes.findSessionSubject(nodeId) : null;
    if (!node || node.status === 'decommissioned') {
      throw new DomainError(NodesErrors['agent.unauthenticated'], 'Agent routes need a valid node session token (POST /agent/v1/sessions).');
    }
    request.nodeSession = { nodeId: node.id, accountId: node.accountId };
    request.principal = nodePrincipal(node.id);
    return true;
  }
}
