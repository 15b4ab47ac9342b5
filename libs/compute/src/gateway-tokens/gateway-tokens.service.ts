import { Injectable } from '@nestjs/common';
import { DomainError, newId, notFound, type FieldError } from '@statemesh/common';
import type { GatewayToken } from '@statemesh/database';
import { pageRequest, toPage, type Page } from '@statemesh/http';
import { generateSecret, hashSecret } from '@statemesh/identity';
import { CatalogService } from '../catalog/catalog.service';
import type { CreatedGatewayTokenDto, CreateGatewayTokenDto, GatewayTokenResponseDto } from './dto/gateway-token.dto';
import { GATEWAY_TOKEN_PREFIX } from './gateway-session';
import { GatewayTokenErrors } from './gateway-tokens.errors';
import { GatewayTokenRepository } from './gateway-token.repository';

export function toGatewayTokenResponse(token: GatewayToken): GatewayTokenResponseDto {
  return {
    id: token.id,
    name: token.name,
    zones: token.zones,
    createdBy: token.createdBy,
    createdAt: token.createdAt.toISOString(),
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
  };
}

/** Tokens edge gateways load routing tables with: issued and revoked by platform admins, stored only as hashes. */
@Injectable()
export class GatewayTokensService {
  constructor(
    private readonly tokens: GatewayTokenRepository,
    private readonly catalog: CatalogService,
  ) {}

  async issue(input: CreateGatewayTokenDto, createdBy: string): Promise<CreatedGatewayTokenDto> {
    const zones = [...new Set(input.zones ?? [])].sort();
    const problems: FieldError[] = [];
    for (const zone of zones) {
      if (!(await this.catalog.findZone(zone))) {
        problems.push({ field: `zones[${(input.zones ?? []).indexOf(zone)}]`, code: 'unknown_zone', message: `There is no zone named ${zone}.` });
      }
    }
    if (problems.length > 0) {
      throw new DomainError(GatewayTokenErrors['gateway.invalid_zones'], problems.map((problem) => problem.message).join(' '), {}, problems);
    }
    const secret = generateSecret(GATEWAY_TOKEN_PREFIX);
    const token = await this.tokens.create({ id: newId(), name: input.name, zones, tokenHash: hashSecret(secret), createdBy });
    return { ...toGatewayTokenResponse(token), token: secret };
  }

  async list(query: { limit?: number; cursor?: string }): Promise<Page<GatewayTokenResponseDto>> {
    const request = pageRequest(query);
    const rows = await this.tokens.list(request);
    return toPage(rows, request, (row) => row.id, toGatewayTokenResponse);
  }

  /** Stops the token at once. 404 when unknown or already revoked. */
  async revoke(id: string): Promise<void> {
    if (!(await this.tokens.revoke(id, new Date()))) throw notFound('Gateway token');
  }
}
