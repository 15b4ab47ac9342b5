import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiIfMatch, ApiProblems, IfMatch, PageOf, PageQueryDto, type Page, type Versioned } from '@statemesh/http';
import { AccountRoute, CurrentAccountAccess, CurrentPrincipal, UserSessionRoute } from '../access/access.decorators';
import type { AccountAccess, Principal } from '../access/principal';
import { AddMemberDto, MemberResponseDto, UpdateMemberDto } from './dto/member.dto';
import { MembersService } from './members.service';

@ApiTags('members')
@Controller('v1/accounts/:accountId/members')
@UserSessionRoute()
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get()
  @AccountRoute({ role: 'viewer' })
  @ApiOperation({ summary: "List the account's members." })
  @ApiOkResponse({ type: PageOf(MemberResponseDto) })
  @ApiProblems(400, 401, 403, 404, 429)
  list(@CurrentAccountAccess() access: AccountAccess, @Query() query: PageQueryDto): Promise<Page<MemberResponseDto>> {
    return this.members.list(access, query);
  }

  @Post()
  @AccountRoute({ role: 'admin' })
  @ApiOperation({ summary: 'Add an existing user as a member (admins; only owners add owners).' })
  @ApiCreatedResponse({ type: MemberResponseDto })
  @ApiProblems(400, 401, 403, 404, 409, 422, 429)
  add(@CurrentAccountAccess() access: AccountAccess, @Body() body: AddMemberDto): Promise<Versioned<MemberResponseDto>> {
    return this.members.add(access, body);
  }

  @Get(':userId')
  @AccountRoute({ role: 'viewer' })
  @ApiOperation({ summary: 'Get a member.' })
  @ApiOkResponse({ type: MemberResponseDto })
  @ApiProblems(401, 403, 404, 429)
  get(@CurrentAccountAccess() access: AccountAccess, @Param('userId') userId: string): Promise<Versioned<MemberResponseDto>> {
    return this.members.get(access, userId);
  }

  @Patch(':userId')
  @AccountRoute({ role: 'admin' })
  @ApiIfMatch()
  @ApiOperation({ summary: "Change a member's role (only owners change ownership; the last owner stays owner)." })
  @ApiOkResponse({ type: MemberResponseDto })
  @ApiProblems(400, 401, 403, 404, 409, 412, 429)
  changeRole(
    @CurrentAccountAccess() access: AccountAccess,
    @Param('userId') userId: string,
    @Body() body: UpdateMemberDto,
    @IfMatch() expectedVersion: number | undefined,
  ): Promise<Versioned<MemberResponseDto>> {
    return this.members.changeRole(access, userId, body.role, expectedVersion);
  }

  @Delete(':userId')
  @AccountRoute({ role: 'viewer' })
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiIfMatch()
  @ApiOperation({ summary: 'Remove a member (admins), or leave the account (yourself).' })
  @ApiNoContentResponse({ description: 'Removed.' })
  @ApiProblems(401, 403, 404, 409, 412, 429)
  async remove(
    @CurrentAccountAccess() access: AccountAccess,
    @CurrentPrincipal() principal: Principal,
    @Param('userId') userId: string,
    @IfMatch() expectedVersion: number | undefined,
  ): Promise<void> {
    await this.members.remove(access, principal, userId, expectedVersion);
  }
}
