import { ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { DomainError, notFound } from '@statemesh/common';
import type { FastifyRequest } from 'fastify';
import { IdentityErrors } from '../identity.errors';
import { MembershipRepository } from '../members/membership.repository';
import {
  ACCOUNT_ACCESS,
  PLATFORM_ADMIN,
  PUBLIC_ROUTE,
  USER_SESSION_ONLY,
  type AccountAccessRequirement,
} from './access.decorators';
import type { Principal } from './principal';
import { roleAtLeast } from './roles';

const PLAUSIBLE_ACCOUNT_ID = /^[\x21-\x7e]{1,128}$/;

/**
 * The one global guard of the public and admin APIs. It authenticates an API
 * token or an access JWT (passport: `api-token`, then `jwt`) and then enforces
 * the route's requirement: account membership (404 when absent — tenants
 * never learn what other accounts hold), role and token scope (403), or
 * platform admin.
 */
@Injectable()
export class AccessGuard extends AuthGuard(['api-token', 'jwt']) {
  constructor(
    private readonly reflector: Reflector,
    private readonly memberships: MembershipRepository,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    await super.canActivate(context);
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: Principal }>();
    const principal = request.user as Principal;
    request.principal = principal;

    if (this.reflector.getAllAndOverride<boolean>(PLATFORM_ADMIN, targets)) {
      if (principal.kind !== 'user' || !principal.platformAdmin) {
        throw new DomainError(IdentityErrors['auth.platform_admin_required'], 'This route is for platform admins.');
      }
      return true;
    }
    // Another account's token learns nothing about this one: 404 before any 403.
    const accountId = (request.params as Record<string, string | undefined>).accountId;
    if (principal.kind === 'apiToken' && accountId !== undefined && principal.accountId !== accountId) throw notFound('Account');
    if (this.reflector.getAllAndOverride<boolean>(USER_SESSION_ONLY, targets) && principal.kind !== 'user') {
      throw new DomainError(IdentityErrors['auth.user_session_required'], 'Sign in as a user to use this route; API tokens cannot.');
    }
    const requirement = this.reflector.getAllAndOverride<AccountAccessRequirement | undefined>(ACCOUNT_ACCESS, targets);
    if (requirement) await this.authorizeAccount(request, principal, requirement);
    return true;
  }

  /** passport's failure becomes our 401 problem (the filter maps UnauthorizedException). */
  override handleRequest<T>(error: unknown, user: T): T {
    if (error) throw error;
    if (!user) throw new UnauthorizedException();
    return user;
  }

  private async authorizeAccount(request: FastifyRequest, principal: Principal, requirement: AccountAccessRequirement): Promise<void> {
    const accountId = (request.params as Record<string, string | undefined>).accountId;
    // No account has an id with spaces or control characters: such an id names nothing, and is not looked up.
    if (!accountId || !PLAUSIBLE_ACCOUNT_ID.test(accountId)) throw notFound('Account');
    let role;
    if (principal.kind === 'apiToken') {
      if (principal.accountId !== accountId) throw notFound('Account');
      if (!requirement.scope) {
        throw new DomainError(IdentityErrors['auth.user_session_required'], 'Sign in as a user to use this route; API tokens cannot.');
      }
      if (requirement.scope !== 'any' && !principal.scopes.includes(requirement.scope)) {
        throw new DomainError(IdentityErrors['auth.insufficient_scope'], `This route needs a token with the ${requirement.scope} scope.`, {
          requiredScope: requirement.scope,
        });
      }
      role = principal.role;
    } else {
      const membership = await this.memberships.findRole(accountId, principal.userId);
      if (!membership) throw notFound('Account');
      role = membership.role;
    }
    if (!roleAtLeast(role, requirement.role)) {
      throw new DomainError(IdentityErrors['auth.insufficient_role'], `This route needs the ${requirement.role} role or higher; you are ${role}.`, {
        requiredRole: requirement.role,
      });
    }
    request.accountAccess = { accountId, role };
  }
}
