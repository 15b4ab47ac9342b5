import type { PrincipalRef } from '@statemesh/http';
import type { ApiTokenScope, MembershipRole } from './roles';

/** A signed-in user, authenticated by an access JWT. */
export interface UserPrincipal extends PrincipalRef {
  kind: 'user';
  userId: string;
  platformAdmin: boolean;
}

/** An account's API token (`smk_...`), acting with its creator's current role, narrowed by its scopes. */
export interface ApiTokenPrincipal extends PrincipalRef {
  kind: 'apiToken';
  tokenId: string;
  accountId: string;
  userId: string;
  role: MembershipRole;
  scopes: ApiTokenScope[];
  expiresAt: Date | null;
}

export type Principal = UserPrincipal | ApiTokenPrincipal;

/** What the access guard established for an account-scoped route. */
export interface AccountAccess {
  accountId: string;
  role: MembershipRole;
}

declare module 'fastify' {
  interface FastifyRequest {
    accountAccess?: AccountAccess;
  }
}
