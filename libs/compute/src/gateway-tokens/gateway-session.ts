import { notFound } from '@statemesh/common';
import type { PrincipalRef } from '@statemesh/http';

/** Gateway tokens are recognisable by their prefix, like API tokens (`smk_`). */
export const GATEWAY_TOKEN_PREFIX = 'smg_';

/** The edge gateway a `/gateway/v1` request is authenticated as. */
export interface GatewaySession {
  tokenId: string;
  /** Zones the token may read; empty means every zone. */
  zones: string[];
}

/** Rate limits and idempotency keys are scoped per gateway token. */
export function gatewayPrincipal(tokenId: string): PrincipalRef {
  return { key: `gateway:${tokenId}` };
}

export function gatewayMayRead(gateway: GatewaySession, zone: string): boolean {
  return gateway.zones.length === 0 || gateway.zones.includes(zone);
}

/** A zone outside the token's zones answers 404, as if it did not exist. */
export function assertGatewayZone(gateway: GatewaySession, zone: string): void {
  if (!gatewayMayRead(gateway, zone)) throw notFound('Zone');
}

declare module 'fastify' {
  interface FastifyRequest {
    gatewaySession?: GatewaySession;
  }
}
