import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiIfMatch, ApiProblems, IfMatch, PageOf, type Page, type Versioned } from '@statemesh/http';
import { AccountRoute, CurrentAccountAccess, type AccountAccess } from '@statemesh/identity';
import { CreateVolumeSnapshotDto, VolumeSnapshotListQueryDto, VolumeSnapshotResponseDto } from './dto/volume-snapshot.dto';
import { VolumeSnapshotsService } from './volume-snapshots.service';

const VOLUME_PARAM = { name: 'volumeId', type: String, description: 'The volume id.' } as const;
const SNAPSHOT_PARAM = { name: 'snapshotId', type: String, description: 'The snapshot id.' } as const;

/**
 * Snapshots are taken through their volume (`/volumes/{id}/snapshots`) and
 * live on their own (`/snapshots/{id}`): a snapshot outlives its volume.
 */
@ApiTags('volume snapshots')
@Controller('v1/accounts/:accountId')
export class VolumeSnapshotsController {
  constructor(private readonly snapshots: VolumeSnapshotsService) {}

  @Post('volumes/:volumeId/snapshots')
  @AccountRoute({ role: 'member', scope: 'volumes:write' })
  @ApiParam(VOLUME_PARAM)
  @ApiOperation({
    summary: 'Snapshot a volume. Platform and S3 volumes: `available` at once, kept by the platform. Local volumes: `creating`, kept on their node.',
  })
  @ApiCreatedResponse({ type: VolumeSnapshotResponseDto })
  @ApiProblems(400, 401, 403, 404, 409, 422, 429)
  create(
    @CurrentAccountAccess() access: AccountAccess,
    @Param('volumeId') volumeId: string,
    @Body() body: CreateVolumeSnapshotDto,
  ): Promise<Versioned<VolumeSnapshotResponseDto>> {
    return this.snapshots.create(access, volumeId, body);
  }

  @Get('volumes/:volumeId/snapshots')
  @AccountRoute({ role: 'viewer', scope: 'volumes:read' })
  @ApiParam(VOLUME_PARAM)
  @ApiOperation({ summary: "List a volume's snapshots (deleted ones excluded), oldest first." })
  @ApiOkResponse({ type: PageOf(VolumeSnapshotResponseDto) })
  @ApiProblems(400, 401, 403, 404, 429)
  listForVolume(
    @CurrentAccountAccess() access: AccountAccess,
    @Param('volumeId') volumeId: string,
    @Query() query: VolumeSnapshotListQueryDto,
  ): Promise<Page<VolumeSnapshotResponseDto>> {
    return this.snapshots.listForVolume(access, volumeId, query);
  }

  @Get('snapshots')
  @AccountRoute({ role: 'viewer', scope: 'volumes:read' })
  @ApiOperation({ summary: "List the account's volume snapshots, oldest first (filter by volumeId, status)." })
  @ApiOkResponse({ type: PageOf(VolumeSnapshotResponseDto) })
  @ApiProblems(400, 401, 403, 404, 429)
  list(@CurrentAccountAccess() access: AccountAccess, @Query() query: VolumeSnapshotListQueryDto): Promise<Page<VolumeSnapshotResponseDto>> {
    return this.snapshots.list(access, query);
  }

  @Get('snapshots/:snapshotId')
  @AccountRoute({ role: 'viewer', scope: 'volumes:read' })
  @ApiParam(SNAPSHOT_PARAM)
  @ApiOperation({ summary: 'Get a snapshot.' })
  @ApiOkResponse({ type: VolumeSnapshotResponseDto })
  @ApiProblems(401, 403, 404, 429)
  get(@CurrentAccountAccess() access: AccountAccess, @Param('snapshotId') snapshotId: string): Promise<Versioned<VolumeSnapshotResponseDto>> {
    return this.snapshots.get(access, snapshotId);
  }

  @Delete('snapshots/:snapshotId')
  @AccountRoute({ role: 'member', scope: 'volumes:write' })
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiParam(SNAPSHOT_PARAM)
  @ApiIfMatch()
  @ApiOperation({ summary: 'Delete a snapshot (409 `snapshot.not_available` while it is being taken).' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems(401, 403, 404, 409, 412, 429)
  async delete(
    @CurrentAccountAccess() access: AccountAccess,
    @Param('snapshotId') snapshotId: string,
    @IfMatch() expectedVersion: number | undefined,
  ): Promise<void> {
    await this.snapshots.delete(access, snapshotId, expectedVersion);
  }
}
