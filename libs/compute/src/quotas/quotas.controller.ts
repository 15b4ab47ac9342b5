import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '@statemesh/http';
import { AccountRoute, CurrentAccountAccess, type AccountAccess } from '@statemesh/identity';
import { AccountQuotaResponseDto } from './dto/quota.dto';
import { QuotasService } from './quotas.service';

@ApiTags('quotas')
@Controller('v1/accounts/:accountId/quota')
export class QuotasController {
  constructor(private readonly quotas: QuotasService) {}

  @Get()
  @AccountRoute({ role: 'viewer', scope: 'vms:read' })
  @ApiOperation({ summary: "The account's limits on live VMs and what its live VMs hold now." })
  @ApiOkResponse({ type: AccountQuotaResponseDto })
  @ApiProblems(401, 403, 404, 429)
  get(@CurrentAccountAccess() access: AccountAccess): Promise<AccountQuotaResponseDto> {
    return this.quotas.view(access.accountId);
  }
}
