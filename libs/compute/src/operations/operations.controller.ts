import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '@statemesh/http';
import { AccountRoute, CurrentAccountAccess, type AccountAccess } from '@statemesh/identity';
import { OperationResponseDto } from './dto/operation.dto';
import { OperationsService } from './operations.service';

@ApiTags('operations')
@Controller('v1/accounts/:accountId/operations')
export class AccountOperationsController {
  constructor(private readonly operations: OperationsService) {}

  @Get(':operationId')
  @AccountRoute({ role: 'viewer', scope: 'any' })
  @ApiOperation({ summary: 'Get an asynchronous operation: pending → running → succeeded | failed.' })
  @ApiOkResponse({ type: OperationResponseDto })
  @ApiProblems(401, 403, 404, 429)
  get(@CurrentAccountAccess() access: AccountAccess, @Param('operationId') operationId: string): Promise<OperationResponseDto> {
    return this.operations.get(access, operationId);
  }
}
