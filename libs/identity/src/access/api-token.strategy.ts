import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { IncomingHttpHeaders } from 'node:http';
import { Strategy as PassportBaseStrategy } from 'passport-strategy';
import { API_TOKEN_PREFIX, hashSecret } from '../tokens/token-secrets';
import { ApiTokenRepository } from '../tokens/api-token.repository';
import type { ApiTokenPrincipal } from './principal';
import type { ApiTokenScope } from './roles';

/** Passport strategy that reads `Authorization: Bearer smk_...` and hands the token to `validate`. */
class BearerApiTokenStrategy extends PassportBaseStrategy {
  constructor(private readonly verify: (token: string, done: (error: unknown, user?: unknown) => void) => void) {
    super();
  }

  override authenticate(request: { headers: IncomingHttpHeaders }): void {
    const header = request.headers.authorization;
    const token = typeof header === 'string' && header.startsWith(`Bearer ${API_TOKEN_PREFIX}`) ? header.slice(7) : undefined;
    if (!token) return this.fail(401);
    this.verify(token, (error, user) => {
      if (error) return this.error(error as Error);
      if (!user) return this.fail(401);
      this.success(user);
    });
  }
}

/**
 * Authenticates API tokens: unknown, revoked or expired tokens, and tokens
 * whose creator has left the account, are refused (401).
 */
@Injectable()
export class ApiTokenStrategy extends PassportStrategy(BearerApiTokenStrategy, 'api-token') {
  constructor(private readonly tokens: ApiTokenRepository) {
    super();
  }

  async validate(secret: string): Promise<ApiTokenPrincipal | false> {
    const found = await this.tokens.findByHash(hashSecret(secret));
    const now = new Date();
    if (!found || found.token.revokedAt || (found.token.expiresAt && found.token.expiresAt <= now) || !found.creatorRole) {
      return false;
    }
    void this.tokens.touchLastUsed(found.token.id, now).catch(() => undefined);
    return {
      kind: 'apiToken',
      key: `token:${found.token.id}`,
      tokenId: found.token.id,
      accountId: found.token.accountId,
      userId: found.token.createdByUserId!,
      role: found.creatorRole,
      scopes: found.token.scopes as ApiTokenScope[],
      expiresAt: found.token.expiresAt,
    };
  }
}
