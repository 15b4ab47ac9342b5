import { Injectable } from '@nestjs/common';
import { DomainError, newId, notFound } from '@statemesh/common';
import type { ApiToken } from '@statemesh/database';
import { pageRequest, toPage, type Page } from '@statemesh/http';
import type { AccountAccess, Principal } from '../access/principal';
import type { ApiTokenScope } from '../access/roles';
import { IdentityErrors } from '../identity.errors';
import { ApiTokenRepository } from './api-token.repository';
import type { ApiTokenResponseDto, CreatedApiTokenDto } from './dto/api-token.dto';
import { API_TOKEN_PREFIX, generateSecret, hashSecret } from './token-secrets';

export function toApiTokenResponse(token: ApiToken): ApiTokenResponseDto {
  return {
    id: token.id,
    name: token.name,
    scopes: token.scopes as ApiTokenScope[],
    expiresAt: token.expiresAt?.toISOString() ?? null,
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
    createdByUserId: token.createdByUserId,
    createdAt: token.createdAt.toISOString(),
  };
}

@Injectable()
export class TokensService {
  constructor(private readonly tokens: ApiTokenRepository) {}

  /**
   * Creates a token acting for its creator in this account. A token creating
   * a token can only hand out scopes it holds itself.
   */
  async create(access: AccountAccess, principal: Principal, input: { name: string; scopes: ApiTokenScope[]; expiresAt?: string }): Promise<CreatedApiTokenDto> {
    if (principal.kind === 'apiToken') {
      const missing = input.scopes.filter((scope) => !principal.scopes.includes(scope));
      if (missing.length) {
        throw new DomainError(IdentityErrors['token.scope_not_held'], `This token cannot grant scopes it does not hold: ${missing.join(', ')}.`);
      }
    }
    let expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now()) {
      throw new DomainError(IdentityErrors['token.invalid_expiry'], 'expiresAt must be in the future.');
    }
    // A token cannot mint one that outlives it.
    if (principal.kind === 'apiToken' && principal.expiresAt) {
      if (expiresAt && expiresAt > principal.expiresAt) {
        throw new DomainError(IdentityErrors['token.invalid_expiry'], `expiresAt cannot be later than this token's own expiry (${principal.expiresAt.toISOString()}).`);
      }
      expiresAt ??= principal.expiresAt;
    }
    const secret = generateSecret(API_TOKEN_PREFIX);
    const token = await this.tokens.create({
      id: newId(),
      accountId: access.accountId,
      createdByUserId: principal.userId,
      name: input.name,
      scopes: [...new Set(input.scopes)],
      tokenHash: hashSecret(secret),
      expiresAt,
    });
    return { ...toApiTokenResponse(token), token: secret };
  }

  async list(access: AccountAccess, query: { limit?: number; cursor?: string }): Promise<Page<ApiTokenResponseDto>> {
    const request = pageRequest(query);
    const rows = await this.tokens.list(access.accountId, request);
    return toPage(rows, request, (row) => row.id, toApiTokenResponse);
  }

  async get(access: AccountAccess, id: string): Promise<ApiTokenResponseDto> {
    const token = await this.tokens.find(access.accountId, id);
    if (!token || token.revokedAt) throw notFound('API token');
    return toApiTokenResponse(token);
  }

  async revoke(access: AccountAccess, id: string): Promise<void> {
    if (!(await this.tokens.revoke(access.accountId, id))) throw notFound('API token');
  }
}
