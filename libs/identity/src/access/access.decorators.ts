import { SetMetadata, applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiBearerAuth, ApiParam } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { AccountAccess, Principal } from './principal';
import type { ApiTokenScope, MembershipRole } from './roles';

export const PUBLIC_ROUTE = 'statemesh:public';
export const ACCOUNT_ACCESS = 'statemesh:account-access';
export const PLATFORM_ADMIN = 'statemesh:platform-admin';
export const USER_SESSION_ONLY = 'statemesh:user-session-only';

export interface AccountAccessRequirement {
  /** Least membership role; user sessions and API tokens (via their creator) alike. */
  role: MembershipRole;
  /**
   * Scope an API token needs; `'any'` lets any token of the account through;
   * without one, API tokens may not use the route.
   */
  scope?: ApiTokenScope | 'any';
}

/** No authentication (signup, login, health, docs). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/**
 * A route under `/v1/accounts/{accountId}`: the caller must be a member (or a
 * token of that account) — otherwise 404 — with at least `role` and, for
 * tokens, `scope` — otherwise 403.
 */
export const AccountRoute = (requirement: AccountAccessRequirement) =>
  applyDecorators(
    SetMetadata(ACCOUNT_ACCESS, requirement),
    ApiBearerAuth('bearer'),
    ApiParam({ name: 'accountId', type: String, description: 'The account (tenant).' }),
  );

/** `/admin/v1`: platform admins signed in as users. */
export const PlatformAdminRoute = () => applyDecorators(SetMetadata(PLATFORM_ADMIN, true), ApiBearerAuth('bearer'));

/** Any authenticated user session; API tokens get 403. */
export const UserSessionRoute = () => applyDecorators(SetMetadata(USER_SESSION_ONLY, true), ApiBearerAuth('bearer'));

/** Any authenticated caller. */
export const AuthenticatedRoute = () => ApiBearerAuth('bearer');

export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): Principal => context.switchToHttp().getRequest<FastifyRequest>().principal as Principal,
);

export const CurrentAccountAccess = createParamDecorator(
  (_: unknown, context: ExecutionContext): AccountAccess =>
    context.switchToHttp().getRequest<FastifyRequest>().accountAccess as AccountAccess,
);
