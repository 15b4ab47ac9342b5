import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, PageOf, type Page } from '@statemesh/http';
import { AccountRoute, CurrentAccountAccess, type AccountAccess } from '@statemesh/identity';
import { EarningsItemDto, TimeRangeQueryDto, UsageItemDto, UsageQueryDto } from './dto/usage.dto';
import { UsageService } from './usage.service';

@ApiTags('wallet')
@Controller('v1/accounts/:accountId')
export class UsageController {
  constructor(private readonly usage: UsageService) {}

  @Get('usage')
  @AccountRoute({ role: 'viewer', scope: 'wallet:read' })
  @ApiOperation({ summary: "The account's settled usage in a time range, per resource or per hour." })
  @ApiOkResponse({ type: PageOf(UsageItemDto) })
  @ApiProblems(400, 401, 403, 404, 422, 429)
  list(@CurrentAccountAccess() access: AccountAccess, @Query() query: UsageQueryDto): Promise<Page<UsageItemDto>> {
    return this.usage.usageOf(access.accountId, query);
  }

  @Get('earnings')
  @AccountRoute({ role: 'viewer', scope: 'wallet:read' })
  @ApiOperation({ summary: "What the account's nodes earned, per node and hour (latest first)." })
  @ApiOkResponse({ type: PageOf(EarningsItemDto) })
  @ApiProblems(400, 401, 403, 404, 422, 429)
  earnings(@CurrentAccountAccess() access: AccountAccess, @Query() query: TimeRangeQueryDto): Promise<Page<EarningsItemDto>> {
    return this.usage.earningsOf(access.accountId, query);
  }
}
