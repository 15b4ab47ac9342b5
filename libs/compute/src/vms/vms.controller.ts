import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { ApiIfMatch, ApiProblems, IfMatch, PageOf, PageQueryDto, abortOnClose, type Page, type Versioned } from '@statemesh/http';
import { AccountRoute, CurrentAccountAccess, CurrentPrincipal, type AccountAccess, type Principal } from '@statemesh/identity';
import type { FastifyReply } from 'fastify';
import type { VmUserAction } from '../lifecycle/vm-lifecycle.types';
import { actorOf } from './actor';
import {
  CreateVmDto,
  CreateVmQueryDto,
  PlacementPreviewDto,
  UpdateVmDto,
  VmAcceptedDto,
  VmEventDto,
  VmListQueryDto,
  VmResponseDto,
  WaitForVmQueryDto,
} from './dto/vm.dto';
import { VmsService } from './vms.service';

@ApiTags('vms')
@ApiExtraModels(VmAcceptedDto, PlacementPreviewDto)
@Controller('v1/accounts/:accountId/vms')
export class VmsController {
  constructor(private readonly vms: VmsService) {}

  @Post()
  @AccountRoute({ role: 'member', scope: 'vms:write' })
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Create a VM. Answers 202 with the VM (`pending`) and its operation; placement happens in the background. With `?dryRun=true`, answers 200 with the placement decision and reserves nothing.',
    description: 'The root disk is bound to the node the VM runs on and is lost with it; keep data on volumes.',
  })
  @ApiAcceptedResponse({ type: VmAcceptedDto })
  @ApiOkResponse({ description: 'Dry run: the placement decision.', schema: { $ref: getSchemaPath(PlacementPreviewDto) } })
  @ApiProblems(400, 401, 402, 403, 404, 409, 422, 429)
  async create(
    @CurrentAccountAccess() access: AccountAccess,
    @CurrentPrincipal() principal: Principal,
    @Query() query: CreateVmQueryDto,
    @Body() body: CreateVmDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<VmAcceptedDto | PlacementPreviewDto> {
    if (query.dryRun) {
      reply.status(HttpStatus.OK);
      return this.vms.preview(access, body);
    }
    return this.vms.create(access, actorOf(principal), body);
  }

  @Get()
  @AccountRoute({ role: 'viewer', scope: 'vms:read' })
  @ApiOperation({ summary: "List the account's VMs, oldest first; filter by status, zone or name." })
  @ApiOkResponse({ type: PageOf(VmResponseDto) })
  @ApiProblems(400, 401, 403, 404, 429)
  list(@CurrentAccountAccess() access: AccountAccess, @Query() query: VmListQueryDto): Promise<Page<VmResponseDto>> {
    return this.vms.list(access, query);
  }

  @Get(':vmId')
  @AccountRoute({ role: 'viewer', scope: 'vms:read' })
  @ApiOperation({ summary: 'Get a VM with its status, node, entrypoints and last placement explanation.' })
  @ApiOkResponse({ type: VmResponseDto })
  @ApiProblems(401, 403, 404, 429)
  get(@CurrentAccountAccess() access: AccountAccess, @Param('vmId') vmId: string): Promise<Versioned<VmResponseDto>> {
    return this.vms.get(access, vmId);
  }

  @Patch(':vmId')
  @AccountRoute({ role: 'member', scope: 'vms:write' })
  @ApiIfMatch()
  @ApiOperation({ summary: 'Rename (entrypoint names follow), relabel, or change the run strategy.' })
  @ApiOkResponse({ type: VmResponseDto })
  @ApiProblems(400, 401, 403, 404, 409, 412, 422, 429)
  update(
    @CurrentAccountAccess() access: AccountAccess,
    @Param('vmId') vmId: string,
    @Body() body: UpdateVmDto,
    @IfMatch() expectedVersion: number | undefined,
  ): Promise<Versioned<VmResponseDto>> {
    return this.vms.update(access, vmId, body, expectedVersion);
  }

  @Delete(':vmId')
  @AccountRoute({ role: 'member', scope: 'vms:write' })
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiIfMatch()
  @ApiOperation({ summary: 'Delete a VM: its node removes it; capacity, entrypoints and public ports are released once it is gone.' })
  @ApiAcceptedResponse({ type: VmAcceptedDto })
  @ApiProblems(401, 403, 404, 409, 412, 429)
  delete(
    @CurrentAccountAccess() access: AccountAccess,
    @CurrentPrincipal() principal: Principal,
    @Param('vmId') vmId: string,
    @IfMatch() expectedVersion: number | undefined,
  ): Promise<VmAcceptedDto> {
    return this.vms.act(access, actorOf(principal), vmId, 'delete', expectedVersion);
  }

  @Post(':vmId/start')
  @AccountRoute({ role: 'member', scope: 'vms:write' })
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Start a stopped, failed, suspended or crash-looping VM.' })
  @ApiAcceptedResponse({ type: VmAcceptedDto })
  @ApiProblems(401, 402, 403, 404, 409, 429)
  start(@CurrentAccountAccess() access: AccountAccess, @CurrentPrincipal() principal: Principal, @Param('vmId') vmId: string): Promise<VmAcceptedDto> {
    return this.act(access, principal, vmId, 'start');
  }

  @Post(':vmId/stop')
  @AccountRoute({ role: 'member', scope: 'vms:write' })
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Stop a VM cleanly; it keeps its node and root disk (transient VMs lose their root-disk changes).' })
  @ApiAcceptedResponse({ type: VmAcceptedDto })
  @ApiProblems(401, 403, 404, 409, 429)
  stop(@CurrentAccountAccess() access: AccountAccess, @CurrentPrincipal() principal: Principal, @Param('vmId') vmId: string): Promise<VmAcceptedDto> {
    return this.act(access, principal, vmId, 'stop');
  }

  @Post(':vmId/restart')
  @AccountRoute({ role: 'member', scope: 'vms:write' })
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Restart a running VM.' })
  @ApiAcceptedResponse({ type: VmAcceptedDto })
  @ApiProblems(401, 403, 404, 409, 429)
  restart(@CurrentAccountAccess() access: AccountAccess, @CurrentPrincipal() principal: Principal, @Param('vmId') vmId: string): Promise<VmAcceptedDto> {
    return this.act(access, principal, vmId, 'restart');
  }

  @Post(':vmId/reset')
  @AccountRoute({ role: 'member', scope: 'vms:write' })
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Reset a transient VM: its root disk goes back to the image at once (422 for persistent VMs).' })
  @ApiAcceptedResponse({ type: VmAcceptedDto })
  @ApiProblems(401, 403, 404, 409, 422, 429)
  reset(@CurrentAccountAccess() access: AccountAccess, @CurrentPrincipal() principal: Principal, @Param('vmId') vmId: string): Promise<VmAcceptedDto> {
    return this.act(access, principal, vmId, 'reset');
  }

  @Get(':vmId/wait')
  @AccountRoute({ role: 'viewer', scope: 'vms:read' })
  @ApiOperation({ summary: 'Long-poll until the VM has the status (200 with the VM) or the timeout passes (408).' })
  @ApiOkResponse({ type: VmResponseDto })
  @ApiProblems(400, 401, 403, 404, 408, 429)
  wait(@CurrentAccountAccess() access: AccountAccess, @Param('vmId') vmId: string, @Query() query: WaitForVmQueryDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<VmResponseDto> {
    return this.vms.waitFor(access, vmId, query.status, query.timeoutSeconds ?? 60, abortOnClose(reply));
  }

  @Get(':vmId/events')
  @AccountRoute({ role: 'viewer', scope: 'vms:read' })
  @ApiOperation({ summary: "The VM's history, oldest first: what happened, why, and who or what did it." })
  @ApiOkResponse({ type: PageOf(VmEventDto) })
  @ApiProblems(400, 401, 403, 404, 429)
  events(@CurrentAccountAccess() access: AccountAccess, @Param('vmId') vmId: string, @Query() query: PageQueryDto): Promise<Page<VmEventDto>> {
    return this.vms.events(access, vmId, query);
  }

  private act(access: AccountAccess, principal: Principal, vmId: string, action: VmUserAction): Promise<VmAcceptedDto> {
    return this.vms.act(access, actorOf(principal), vmId, action);
  }
}
