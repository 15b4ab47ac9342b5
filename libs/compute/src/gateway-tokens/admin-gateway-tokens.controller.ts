import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, PageOf, PageQueryDto, type Page } from '@statemesh/http';
import { CurrentPrincipal, PlatformAdminRoute, type Principal } from '@statemesh/identity';
import { CreatedGatewayTokenDto, CreateGatewayTokenDto, GatewayTokenResponseDto } from './dto/gateway-token.dto';
import { GatewayTokensService } from './gateway-tokens.service';

@ApiTags('admin')
@Controller('admin/v1/gateway-tokens')
@PlatformAdminRoute()
export class AdminGatewayTokensController {
  constructor(private readonly tokens: GatewayTokensService) {}

  @Post()
  @ApiOperation({ summary: 'Issue a token for an edge gateway, for some zones or all. Its secret is in this response only.' })
  @ApiCreatedResponse({ type: CreatedGatewayTokenDto })
  @ApiProblems(400, 401, 403, 422, 429)
  issue(@Body() body: CreateGatewayTokenDto, @CurrentPrincipal() principal: Principal): Promise<CreatedGatewayTokenDto> {
    return this.tokens.issue(body, `user:${principal.userId}`);
  }

  @Get()
  @ApiOperation({ summary: 'Gateway tokens not revoked, oldest first (never their secrets).' })
  @ApiOkResponse({ type: PageOf(GatewayTokenResponseDto) })
  @ApiProblems(400, 401, 403, 429)
  list(@Query() query: PageQueryDto): Promise<Page<GatewayTokenResponseDto>> {
    return this.tokens.list(query);
  }

  @Delete(':tokenId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Revoke a gateway token; it stops working at once.' })
  @ApiNoContentResponse({ description: 'Revoked.' })
  @ApiProblems(401, 403, 404, 429)
  async revoke(@Param('tokenId') tokenId: string): Promise<void> {
    await this.tokens.revoke(tokenId);
  }
}
