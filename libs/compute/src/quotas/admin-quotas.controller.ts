import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '@statemesh/http';
import { PlatformAdminRoute } from '@statemesh/identity';
import { AccountQuotaResponseDto, PutQuotaDto } from './dto/quota.dto';
import { QuotasService } from './quotas.service';

@ApiTags('admin')
@Controller('admin/v1/accounts/:accountId/quota')
@PlatformAdminRoute()
export class AdminQuotasController {
  constructor(private readonly quotas: QuotasService) {}

  @Get()
  @ApiOperation({ summary: "An account's quota (its own or the defaults) and usage." })
  @ApiOkResponse({ type: AccountQuotaResponseDto })
  @ApiProblems(401, 403, 404, 429)
  get(@Param('accountId') accountId: string): Promise<AccountQuotaResponseDto> {
    return this.quotas.viewAny(accountId);
  }

  @Put()
  @ApiOperation({ summary: "Set an account's quota. A lower quota stops nothing that runs; it refuses new VMs beyond it." })
  @ApiOkResponse({ type: AccountQuotaResponseDto })
  @ApiProblems(400, 401, 403, 404, 422, 429)
  put(@Param('accountId') accountId: string, @Body() body: PutQuotaDto): Promise<AccountQuotaResponseDto> {
    return this.quotas.put(accountId, body);
  }

  @Delete()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Return an account to the default quota.' })
  @ApiNoContentResponse({ description: 'The defaults apply.' })
  @ApiProblems(401, 403, 404, 429)
  async reset(@Param('accountId') accountId: string): Promise<void> {
    await this.quotas.reset(accountId);
  }
}
