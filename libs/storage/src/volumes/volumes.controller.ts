import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiIfMatch, ApiProblems, IfMatch, PageOf, type Page, type Versioned } from '@statemesh/http';
import { AccountRoute, CurrentAccountAccess, type AccountAccess } from '@statemesh/identity';
import { AttachVolumeDto, CreateVolumeDto, UpdateVolumeDto, VolumeListQueryDto, VolumeResponseDto } from './dto/volume.dto';
import { VolumesService } from './volumes.service';

const VOLUME_PARAM = { name: 'volumeId', type: String, description: 'The volume id.' } as const;

@ApiTags('volumes')
@Controller('v1/accounts/:accountId/volumes')
export class VolumesController {
  constructor(private readonly volumes: VolumesService) {}

  @Post()
  @AccountRoute({ role: 'member', scope: 'volumes:write' })
  @ApiOperation({
    summary:
      'Create a volume: empty, or from an image, a snapshot or an http(s) URL. 201; `available` at once when empty (or restored copy-on-write), `creating` while a node agent fills it.',
  })
  @ApiCreatedResponse({ type: VolumeResponseDto })
  @ApiProblems(400, 401, 403, 404, 409, 413, 422, 429)
  create(@CurrentAccountAccess() access: AccountAccess, @Body() body: CreateVolumeDto): Promise<Versioned<VolumeResponseDto>> {
    return this.volumes.create(access, body);
  }

  @Get()
  @AccountRoute({ role: 'viewer', scope: 'volumes:read' })
  @ApiOperation({ summary: "List the account's volumes (deleted ones excluded), in creation order." })
  @ApiOkResponse({ type: PageOf(VolumeResponseDto) })
  @ApiProblems(400, 401, 403, 404, 429)
  list(@CurrentAccountAccess() access: AccountAccess, @Query() query: VolumeListQueryDto): Promise<Page<VolumeResponseDto>> {
    return this.volumes.list(access, query);
  }

  @Get(':volumeId')
  @AccountRoute({ role: 'viewer', scope: 'volumes:read' })
  @ApiParam(VOLUME_PARAM)
  @ApiOperation({ summary: 'Get a volume.' })
  @ApiOkResponse({ type: VolumeResponseDto })
  @ApiProblems(401, 403, 404, 429)
  get(@CurrentAccountAccess() access: AccountAccess, @Param('volumeId') volumeId: string): Promise<Versioned<VolumeResponseDto>> {
    return this.volumes.get(access, volumeId);
  }

  @Patch(':volumeId')
  @AccountRoute({ role: 'member', scope: 'volumes:write' })
  @ApiParam(VOLUME_PARAM)
  @ApiIfMatch()
  @ApiOperation({ summary: 'Rename, relabel or grow a volume (never shrink: 422 `volume.shrink_not_allowed`).' })
  @ApiOkResponse({ type: VolumeResponseDto })
  @ApiProblems(400, 401, 403, 404, 409, 412, 422, 429)
  update(
    @CurrentAccountAccess() access: AccountAccess,
    @Param('volumeId') volumeId: string,
    @Body() body: UpdateVolumeDto,
    @IfMatch() expectedVersion: number | undefined,
  ): Promise<Versioned<VolumeResponseDto>> {
    return this.volumes.update(access, volumeId, body, expectedVersion);
  }

  @Delete(':volumeId')
  @AccountRoute({ role: 'member', scope: 'volumes:write' })
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiParam(VOLUME_PARAM)
  @ApiIfMatch()
  @ApiOperation({ summary: 'Delete a volume and its data; 409 `volume.attached` while attached. Its snapshots are kept.' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems(401, 403, 404, 409, 412, 429)
  async delete(
    @CurrentAccountAccess() access: AccountAccess,
    @Param('volumeId') volumeId: string,
    @IfMatch() expectedVersion: number | undefined,
  ): Promise<void> {
    await this.volumes.delete(access, volumeId, expectedVersion);
  }

  @Post(':volumeId/attach')
  @AccountRoute({ role: 'member', scope: 'volumes:write' })
  @HttpCode(HttpStatus.OK)
  @ApiParam(VOLUME_PARAM)
  @ApiOperation({
    summary: 'Attach an available volume to a live VM in its zone; attaching it again to the same VM changes nothing. 409 `volume.attached_elsewhere`.',
  })
  @ApiOkResponse({ type: VolumeResponseDto })
  @ApiProblems(400, 401, 403, 404, 409, 422, 429)
  attach(
    @CurrentAccountAccess() access: AccountAccess,
    @Param('volumeId') volumeId: string,
    @Body() body: AttachVolumeDto,
  ): Promise<Versioned<VolumeResponseDto>> {
    return this.volumes.attach(access, volumeId, body.vmId);
  }

  @Post(':volumeId/detach')
  @AccountRoute({ role: 'member', scope: 'volumes:write' })
  @HttpCode(HttpStatus.OK)
  @ApiParam(VOLUME_PARAM)
  @ApiOperation({ summary: 'Detach a volume from its VM; a volume attached to nothing is answered as it is.' })
  @ApiOkResponse({ type: VolumeResponseDto })
  @ApiProblems(401, 403, 404, 429)
  detach(@CurrentAccountAccess() access: AccountAccess, @Param('volumeId') volumeId: string): Promise<Versioned<VolumeResponseDto>> {
    return this.volumes.detach(access, volumeId);
  }
}
