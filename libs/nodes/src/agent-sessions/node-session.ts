import type { PrincipalRef } from '@statemesh/http';

/** The node an agent request is authenticated as. */
export interface NodeSession {
  nodeId: string;
  accountId: string;
}

/** Rate limits and idempotency keys are scoped per node. */
export function nodePrincipal(nodeId: string): PrincipalRef {
  return { key: `node:${nodeId}` };
}

declare module 'fastify' {
  interface FastifyRequest {
    nodeSession?: NodeSession;
  }
}
