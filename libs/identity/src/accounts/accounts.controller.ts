import { Body, Controller, Get, Param, Patch, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiIfMatch, ApiProblems, IfMatch, PageOf, PageQueryDto, type Page, type Versioned } from '@statemesh/http';
import { AccountRoute, AuthenticatedRoute, CurrentAccountAccess, CurrentPrincipal } from '../access/access.decorators';
import type { AccountAccess, Principal } from '../access/principal';
import { AccountsService } from './accounts.service';
import { AccountResponseDto, MeResponseDto, UpdateAccountDto } from './dto/account.dto';

@ApiTags('accounts')
@Controller('v1')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Get('me')
  @AuthenticatedRoute()
  @ApiOperation({ summary: 'Who the caller is: user, token scopes, and the accounts they can act on.' })
  @ApiOkResponse({ type: MeResponseDto })
  @ApiProblems(401, 429)
  me(@CurrentPrincipal() principal: Principal): Promise<MeResponseDto> {
    return this.accounts.me(principal);
  }

  @Get('accounts')
  @AuthenticatedRoute()
  @ApiOperation({ summary: "List the caller's accounts." })
  @ApiOkResponse({ type: PageOf(AccountResponseDto) })
  @ApiProblems(400, 401, 429)
  list(@CurrentPrincipal() principal: Principal, @Query() query: PageQueryDto): Promise<Page<AccountResponseDto>> {
    return this.accounts.list(principal, query);
  }

  @Get('accounts/:accountId')
  @AccountRoute({ role: 'viewer', scope: 'any' })
  @ApiOperation({ summary: 'Get an account.' })
  @ApiOkResponse({ type: AccountResponseDto })
  @ApiProblems(401, 403, 404, 429)
  get(@CurrentAccountAccess() access: AccountAccess, @Param('accountId') _accountId: string): Promise<Versioned<AccountResponseDto>> {
    return this.accounts.get(access);
  }

  @Patch('accounts/:accountId')
  @AccountRoute({ role: 'admin' })
  @ApiIfMatch()
  @ApiOperation({ summary: 'Rename an account (admins and owners).' })
  @ApiOkResponse({ type: AccountResponseDto })
  @ApiProblems(400, 401, 403, 404, 412, 429)
  rename(
    @CurrentAccountAccess() access: AccountAccess,
    @Param('accountId') _accountId: string,
    @Body() body: UpdateAccountDto,
    @IfMatch() expectedVersion: number | undefined,
  ): Promise<Versioned<AccountResponseDto>> {
    return this.accounts.rename(access, body.name, expectedVersion);
  }
}
