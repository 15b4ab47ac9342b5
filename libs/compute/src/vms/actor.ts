import type { Principal } from '@statemesh/identity';

/** Who did it, as events record it: `user:<id>` or `token:<id>`. */
export function actorOf(principal: Principal): string {
  return principal.kind === 'user' ? `user:${principal.userId}` : `token:${principal.tokenId}`;
}
