import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, PageOf, PageQueryDto, type Page } from '@statemesh/http';
import { AccountRoute, CurrentAccountAccess, CurrentPrincipal, type AccountAccess, type Principal } from '@statemesh/identity';
import { actorOf } from '../vms/actor';
import { AccountImagesService } from './account-images.service';
import { AccountImageResponseDto, CaptureImageDto } from './dto/account-image.dto';

@ApiTags('images')
@Controller('v1/accounts/:accountId')
export class AccountImagesController {
  constructor(private readonly images: AccountImagesService) {}

  @Post('vms/:vmId/images')
  @AccountRoute({ role: 'member', scope: 'vms:write' })
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'Capture an image (template) from a stopped persistent VM; only this account sees and uses it (`image` on VM create).' })
  @ApiCreatedResponse({ type: AccountImageResponseDto })
  @ApiProblems(400, 401, 403, 404, 409, 422, 429)
  capture(@CurrentAccountAccess() access: AccountAccess, @CurrentPrincipal() principal: Principal, @Param('vmId') vmId: string, @Body() body: CaptureImageDto): Promise<AccountImageResponseDto> {
    return this.images.capture(access, vmId, body, actorOf(principal));
  }

  @Get('images')
  @AccountRoute({ role: 'viewer', scope: 'vms:read' })
  @ApiOperation({ summary: "The account's own images, by name." })
  @ApiOkResponse({ type: PageOf(AccountImageResponseDto) })
  @ApiProblems(400, 401, 403, 404, 429)
  list(@CurrentAccountAccess() access: AccountAccess, @Query() query: PageQueryDto): Promise<Page<AccountImageResponseDto>> {
    return this.images.list(access, query);
  }

  @Get('images/:name')
  @AccountRoute({ role: 'viewer', scope: 'vms:read' })
  @ApiOperation({ summary: 'One of the account’s images.' })
  @ApiOkResponse({ type: AccountImageResponseDto })
  @ApiProblems(401, 403, 404, 429)
  get(@CurrentAccountAccess() access: AccountAccess, @Param('name') name: string): Promise<AccountImageResponseDto> {
    return this.images.get(access, name);
  }

  @Delete('images/:name')
  @AccountRoute({ role: 'member', scope: 'vms:write' })
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete one of the account’s images; 409 `catalog.in_use` while a live VM uses it.' })
  @ApiNoContentResponse()
  @ApiProblems(401, 403, 404, 409, 429)
  async delete(@CurrentAccountAccess() access: AccountAccess, @Param('name') name: string): Promise<void> {
    await this.images.delete(access, name);
  }
}
