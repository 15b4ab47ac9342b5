import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '@statemesh/http';
import { PlatformAdminRoute } from '@statemesh/identity';
import { LedgerReconciliationResponseDto, LedgerTransactionResponseDto } from './dto/ledger-transaction.dto';
import { LedgerAdminService } from './ledger-admin.service';

@ApiTags('admin')
@Controller('admin/v1/ledger')
@PlatformAdminRoute()
export class AdminLedgerController {
  constructor(private readonly ledger: LedgerAdminService) {}

  @Get('reconciliation')
  @ApiOperation({
    summary: 'Check the ledger now: cached balances against the sum of entries, transactions against zero, all balances against zero.',
    description: 'Reports only; it never corrects anything.',
  })
  @ApiOkResponse({ type: LedgerReconciliationResponseDto })
  @ApiProblems(401, 403, 429)
  reconcile(): Promise<LedgerReconciliationResponseDto> {
    return this.ledger.reconcile();
  }

  @Get('transactions/:transactionId')
  @ApiOperation({ summary: 'One ledger transaction with every entry.' })
  @ApiOkResponse({ type: LedgerTransactionResponseDto })
  @ApiProblems(401, 403, 404, 429)
  getTransaction(@Param('transactionId') transactionId: string): Promise<LedgerTransactionResponseDto> {
    return this.ledger.getTransaction(transactionId);
  }
}
