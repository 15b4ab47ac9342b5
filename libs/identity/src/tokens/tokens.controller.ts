import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, PageOf, PageQueryDto, type Page } from '@statemesh/http';
import { AccountRoute, CurrentAccountAccess, CurrentPrincipal } from '../access/access.decorators';
import type { AccountAccess, Principal } from '../access/principal';
import { ApiTokenResponseDto, CreateApiTokenDto, CreatedApiTokenDto } from './dto/api-token.dto';
import { TokensService } from './tokens.service';

@ApiTags('tokens')
@Controller('v1/accounts/:accountId/tokens')
export class TokensController {
  constructor(private readonly tokens: TokensService) {}

  @Get()
  @AccountRoute({ role: 'member', scope: 'tokens:write' })
  @ApiOperation({ summary: "List the account's active API tokens (never their secrets)." })
  @ApiOkResponse({ type: PageOf(ApiTokenResponseDto) })
  @ApiProblems(400, 401, 403, 404, 429)
  list(@CurrentAccountAccess() access: AccountAccess, @Query() query: PageQueryDto): Promise<Page<ApiTokenResponseDto>> {
    return this.tokens.list(access, query);
  }

  @Post()
  @AccountRoute({ role: 'member', scope: 'tokens:write' })
  @ApiOperation({ summary: 'Create an API token. Its secret is in this response only.' })
  @ApiCreatedResponse({ type: CreatedApiTokenDto })
  @ApiProblems(400, 401, 403, 404, 422, 429)
  create(
    @CurrentAccountAccess() access: AccountAccess,
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateApiTokenDto,
  ): Promise<CreatedApiTokenDto> {
    return this.tokens.create(access, principal, body);
  }

  @Get(':tokenId')
  @AccountRoute({ role: 'member', scope: 'tokens:write' })
  @ApiOperation({ summary: 'Get an API token (never its secret).' })
  @ApiOkResponse({ type: ApiTokenResponseDto })
  @ApiProblems(401, 403, 404, 429)
  get(@CurrentAccountAccess() access: AccountAccess, @Param('tokenId') tokenId: string): Promise<ApiTokenResponseDto> {
    return this.tokens.get(access, tokenId);
  }

  @Delete(':tokenId')
  @AccountRoute({ role: 'member', scope: 'tokens:write' })
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Revoke an API token; it stops working at once.' })
  @ApiNoContentResponse({ description: 'Revoked.' })
  @ApiProblems(401, 403, 404, 429)
  async revoke(@CurrentAccountAccess() access: AccountAccess, @Param('tokenId') tokenId: string): Promise<void> {
    await this.tokens.revoke(access, tokenId);
  }
}
