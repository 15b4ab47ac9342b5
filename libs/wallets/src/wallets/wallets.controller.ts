import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, PageOf, type Page, type Versioned } from '@statemesh/http';
import { AccountRoute, CurrentAccountAccess, type AccountAccess } from '@statemesh/identity';
import { WalletResponseDto, WalletTransactionResponseDto, WalletTransactionsQueryDto } from './dto/wallet.dto';
import { WalletsService } from './wallets.service';

@ApiTags('wallet')
@Controller('v1/accounts/:accountId/wallet')
export class WalletsController {
  constructor(private readonly wallets: WalletsService) {}

  @Get()
  @AccountRoute({ role: 'viewer', scope: 'wallet:read' })
  @ApiOperation({ summary: "The account's wallet: balance, burn rate and runway." })
  @ApiOkResponse({ type: WalletResponseDto })
  @ApiProblems(401, 403, 404, 429)
  get(@CurrentAccountAccess() access: AccountAccess, @Param('accountId') _accountId: string): Promise<Versioned<WalletResponseDto>> {
    return this.wallets.get(access.accountId);
  }

  @Get('transactions')
  @AccountRoute({ role: 'viewer', scope: 'wallet:read' })
  @ApiOperation({ summary: "The wallet's ledger transactions, newest first, with this wallet's entries." })
  @ApiOkResponse({ type: PageOf(WalletTransactionResponseDto) })
  @ApiProblems(400, 401, 403, 404, 422, 429)
  listTransactions(
    @CurrentAccountAccess() access: AccountAccess,
    @Query() query: WalletTransactionsQueryDto,
  ): Promise<Page<WalletTransactionResponseDto>> {
    return this.wallets.listTransactions(access.accountId, query);
  }
}
