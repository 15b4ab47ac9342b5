import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, PageOf, PageQueryDto, type Page } from '@statemesh/http';
import { AccountRoute, CurrentAccountAccess, type AccountAccess } from '@statemesh/identity';
import { CreateVmSnapshotDto, VmSnapshotResponseDto } from './dto/vm-snapshot.dto';
import { VmSnapshotsService } from './vm-snapshots.service';

@ApiTags('vms')
@Controller('v1/accounts/:accountId/vms/:vmId/snapshots')
export class VmSnapshotsController {
  constructor(private readonly snapshots: VmSnapshotsService) {}

  @Post()
  @AccountRoute({ role: 'member', scope: 'vms:write' })
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Snapshot a VM: its root disk (kept on its node) and every attached volume, crash-consistent, taken by the node agent. 202; the snapshot is `creating` until the node has taken it.' })
  @ApiAcceptedResponse({ type: VmSnapshotResponseDto })
  @ApiProblems(400, 401, 403, 404, 409, 429)
  create(@CurrentAccountAccess() access: AccountAccess, @Param('vmId') vmId: string, @Body() body: CreateVmSnapshotDto): Promise<VmSnapshotResponseDto> {
    return this.snapshots.create(access, vmId, body);
  }

  @Get()
  @AccountRoute({ role: 'viewer', scope: 'vms:read' })
  @ApiOperation({ summary: "List the VM's snapshots, oldest first." })
  @ApiOkResponse({ type: PageOf(VmSnapshotResponseDto) })
  @ApiProblems(400, 401, 403, 404, 429)
  list(@CurrentAccountAccess() access: AccountAccess, @Param('vmId') vmId: string, @Query() query: PageQueryDto): Promise<Page<VmSnapshotResponseDto>> {
    return this.snapshots.list(access, vmId, query);
  }
}
