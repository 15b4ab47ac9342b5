import { Body, Controller, Get, Headers, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, IDEMPOTENCY_HEADER, PageOf, type Page, type Versioned } from '@statemesh/http';
import { CurrentPrincipal, PlatformAdminRoute, type Principal } from '@statemesh/identity';
import { WalletResponseDto, WalletTransactionResponseDto, WalletTransactionsQueryDto } from '../wallets/dto/wallet.dto';
import { WalletsService } from '../wallets/wallets.service';
import { CreditWalletDto, DebitWalletDto, RefundWalletDto, WalletMovementResponseDto } from './dto/funding.dto';
import { FundingService, type MovementRequester } from './funding.service';

const IdempotencyKeyHeader = () =>
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Makes a retry safe; required unless the body carries a `reference`.',
  });

function requester(principal: Principal, idempotencyKey: string | undefined): MovementRequester {
  return { principalKey: principal.key, userId: principal.userId, idempotencyKey };
}

@ApiTags('admin')
@Controller('admin/v1/accounts/:accountId/wallet')
@PlatformAdminRoute()
export class AdminWalletsController {
  constructor(
    private readonly funding: FundingService,
    private readonly wallets: WalletsService,
  ) {}

  @Get()
  @ApiOperation({ summary: "An account's wallet (platform admins)." })
  @ApiOkResponse({ type: WalletResponseDto })
  @ApiProblems(401, 403, 404, 429)
  get(@Param('accountId') accountId: string): Promise<Versioned<WalletResponseDto>> {
    return this.wallets.get(accountId);
  }

  @Get('transactions')
  @ApiOperation({ summary: "An account's wallet transactions, newest first (platform admins)." })
  @ApiOkResponse({ type: PageOf(WalletTransactionResponseDto) })
  @ApiProblems(400, 401, 403, 404, 422, 429)
  listTransactions(@Param('accountId') accountId: string, @Query() query: WalletTransactionsQueryDto): Promise<Page<WalletTransactionResponseDto>> {
    return this.wallets.listTransactions(accountId, query);
  }

  @Post('credits')
  @IdempotencyKeyHeader()
  @ApiOperation({ summary: 'Credit a wallet from platform funding. Exactly once per reference.' })
  @ApiCreatedResponse({ type: WalletMovementResponseDto })
  @ApiProblems(400, 401, 403, 404, 409, 422, 429)
  credit(
    @Param('accountId') accountId: string,
    @Body() body: CreditWalletDto,
    @CurrentPrincipal() principal: Principal,
    @Headers(IDEMPOTENCY_HEADER) idempotencyKey: string | undefined,
  ): Promise<WalletMovementResponseDto> {
    return this.funding.credit(accountId, body, requester(principal, idempotencyKey));
  }

  @Post('debits')
  @IdempotencyKeyHeader()
  @ApiOperation({ summary: 'Charge a wallet to platform revenue; refused below zero unless allowNegative. Exactly once per reference.' })
  @ApiCreatedResponse({ type: WalletMovementResponseDto })
  @ApiProblems(400, 401, 402, 403, 404, 409, 422, 429)
  debit(
    @Param('accountId') accountId: string,
    @Body() body: DebitWalletDto,
    @CurrentPrincipal() principal: Principal,
    @Headers(IDEMPOTENCY_HEADER) idempotencyKey: string | undefined,
  ): Promise<WalletMovementResponseDto> {
    return this.funding.debit(accountId, body, requester(principal, idempotencyKey));
  }

  @Post('refunds')
  @IdempotencyKeyHeader()
  @ApiOperation({ summary: 'Give a charge back to a wallet from platform revenue. Exactly once per reference.' })
  @ApiCreatedResponse({ type: WalletMovementResponseDto })
  @ApiProblems(400, 401, 403, 404, 409, 422, 429)
  refund(
    @Param('accountId') accountId: string,
    @Body() body: RefundWalletDto,
    @CurrentPrincipal() principal: Principal,
    @Headers(IDEMPOTENCY_HEADER) idempotencyKey: string | undefined,
  ): Promise<WalletMovementResponseDto> {
    return this.funding.refund(accountId, body, requester(principal, idempotencyKey));
  }
}
