import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiIfMatch, ApiProblems, IfMatch, PageOf, PageQueryDto, type Page, type Versioned } from '@statemesh/http';
import { AccountRoute, CurrentAccountAccess, type AccountAccess } from '@statemesh/identity';
import { CreateSecretDto, ReplaceSecretDto, SecretResponseDto } from './dto/secret.dto';
import { SecretsService } from './secrets.service';

const NAME_PARAM = { name: 'name', type: String, description: 'The secret name.' } as const;

/**
 * Secrets are write-only: every route answers with metadata (name, version,
 * timestamps) at most. Tokens need `secrets:write` for every route, reading
 * included: names alone say what an account uses.
 */
@ApiTags('secrets')
@Controller('v1/accounts/:accountId/secrets')
export class SecretsController {
  constructor(private readonly secrets: SecretsService) {}

  @Get()
  @AccountRoute({ role: 'viewer', scope: 'secrets:write' })
  @ApiOperation({ summary: "List the account's secrets: names, versions and timestamps, never values." })
  @ApiOkResponse({ type: PageOf(SecretResponseDto) })
  @ApiProblems(400, 401, 403, 404, 429)
  list(@CurrentAccountAccess() access: AccountAccess, @Query() query: PageQueryDto): Promise<Page<SecretResponseDto>> {
    return this.secrets.list(access, query);
  }

  @Post()
  @AccountRoute({ role: 'member', scope: 'secrets:write' })
  @ApiOperation({ summary: 'Create a secret. 409 if the name exists: replace a value with PUT.' })
  @ApiCreatedResponse({ type: SecretResponseDto })
  @ApiProblems(400, 401, 403, 404, 409, 413, 429)
  create(@CurrentAccountAccess() access: AccountAccess, @Body() body: CreateSecretDto): Promise<Versioned<SecretResponseDto>> {
    return this.secrets.create(access, body);
  }

  @Get(':name')
  @AccountRoute({ role: 'viewer', scope: 'secrets:write' })
  @ApiParam(NAME_PARAM)
  @ApiOperation({ summary: "Get a secret's metadata (never its value)." })
  @ApiOkResponse({ type: SecretResponseDto })
  @ApiProblems(401, 403, 404, 429)
  get(@CurrentAccountAccess() access: AccountAccess, @Param('name') name: string): Promise<Versioned<SecretResponseDto>> {
    return this.secrets.get(access, name);
  }

  @Put(':name')
  @AccountRoute({ role: 'member', scope: 'secrets:write' })
  @ApiParam(NAME_PARAM)
  @ApiIfMatch()
  @ApiOperation({ summary: "Replace an existing secret's value (rotation); its version goes up by one." })
  @ApiOkResponse({ type: SecretResponseDto })
  @ApiProblems(400, 401, 403, 404, 412, 413, 429)
  replace(
    @CurrentAccountAccess() access: AccountAccess,
    @Param('name') name: string,
    @Body() body: ReplaceSecretDto,
    @IfMatch() expectedVersion: number | undefined,
  ): Promise<Versioned<SecretResponseDto>> {
    return this.secrets.replace(access, name, body.value, expectedVersion);
  }

  @Delete(':name')
  @AccountRoute({ role: 'member', scope: 'secrets:write' })
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiParam(NAME_PARAM)
  @ApiIfMatch()
  @ApiOperation({ summary: 'Delete a secret and its value; the name can be used again.' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems(401, 403, 404, 412, 429)
  async delete(
    @CurrentAccountAccess() access: AccountAccess,
    @Param('name') name: string,
    @IfMatch() expectedVersion: number | undefined,
  ): Promise<void> {
    await this.secrets.delete(access, name, expectedVersion);
  }
}
