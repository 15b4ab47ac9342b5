import { Body, Controller, Delete, HttpCode, HttpStatus, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiIfMatch, ApiProblems, IfMatch, type Versioned } from '@statemesh/http';
import { PlatformAdminRoute } from '@statemesh/identity';
import { CatalogAdminService } from './catalog-admin.service';
import { CreateImageDto, ImageResponseDto, UpdateImageDto } from './dto/image.dto';
import { CreateInstanceTypeDto, InstanceTypeResponseDto, UpdateInstanceTypeDto } from './dto/instance-type.dto';
import { CreateZoneDto, UpdateZoneDto, ZoneResponseDto } from './dto/zone.dto';

/** Catalog changes by platform admins; reading is the public `/v1` routes. */
@ApiTags('admin')
@Controller('admin/v1')
@PlatformAdminRoute()
export class AdminCatalogController {
  constructor(private readonly catalog: CatalogAdminService) {}

  @Post('zones')
  @ApiOperation({ summary: 'Add a zone.' })
  @ApiCreatedResponse({ type: ZoneResponseDto })
  @ApiProblems(400, 401, 403, 409, 422, 429)
  createZone(@Body() body: CreateZoneDto): Promise<Versioned<ZoneResponseDto>> {
    return this.catalog.createZone(body);
  }

  @Patch('zones/:zone')
  @ApiIfMatch()
  @ApiOperation({ summary: 'Change a zone; `enabled: false` retires it (no new VMs, existing ones keep running).' })
  @ApiOkResponse({ type: ZoneResponseDto })
  @ApiProblems(400, 401, 403, 404, 412, 422, 429)
  updateZone(@Param('zone') zone: string, @Body() body: UpdateZoneDto, @IfMatch() expected: number | undefined): Promise<Versioned<ZoneResponseDto>> {
    return this.catalog.updateZone(zone, body, expected);
  }

  @Delete('zones/:zone')
  @ApiIfMatch()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a zone no live VM is in.' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems(401, 403, 404, 409, 412, 429)
  async deleteZone(@Param('zone') zone: string, @IfMatch() expected: number | undefined): Promise<void> {
    await this.catalog.delete('zone', zone, expected);
  }

  @Post('images')
  @ApiOperation({ summary: 'Add an image.' })
  @ApiCreatedResponse({ type: ImageResponseDto })
  @ApiProblems(400, 401, 403, 409, 422, 429)
  createImage(@Body() body: CreateImageDto): Promise<Versioned<ImageResponseDto>> {
    return this.catalog.createImage(body);
  }

  @Patch('images/:image')
  @ApiIfMatch()
  @ApiOperation({ summary: 'Change an image; `enabled: false` deprecates it (no new VMs).' })
  @ApiOkResponse({ type: ImageResponseDto })
  @ApiProblems(400, 401, 403, 404, 412, 422, 429)
  updateImage(@Param('image') image: string, @Body() body: UpdateImageDto, @IfMatch() expected: number | undefined): Promise<Versioned<ImageResponseDto>> {
    return this.catalog.updateImage(image, body, expected);
  }

  @Delete('images/:image')
  @ApiIfMatch()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete an image no live VM uses.' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems(401, 403, 404, 409, 412, 429)
  async deleteImage(@Param('image') image: string, @IfMatch() expected: number | undefined): Promise<void> {
    await this.catalog.delete('image', image, expected);
  }

  @Post('instance-types')
  @ApiOperation({ summary: 'Add an instance type. Price it in a new price list version (POST /admin/v1/prices).' })
  @ApiCreatedResponse({ type: InstanceTypeResponseDto })
  @ApiProblems(400, 401, 403, 409, 422, 429)
  createInstanceType(@Body() body: CreateInstanceTypeDto): Promise<Versioned<InstanceTypeResponseDto>> {
    return this.catalog.createInstanceType(body);
  }

  @Patch('instance-types/:instanceType')
  @ApiIfMatch()
  @ApiOperation({ summary: 'Change an instance type; VMs already created keep their size. `enabled: false` retires it.' })
  @ApiOkResponse({ type: InstanceTypeResponseDto })
  @ApiProblems(400, 401, 403, 404, 412, 422, 429)
  updateInstanceType(
    @Param('instanceType') instanceType: string,
    @Body() body: UpdateInstanceTypeDto,
    @IfMatch() expected: number | undefined,
  ): Promise<Versioned<InstanceTypeResponseDto>> {
    return this.catalog.updateInstanceType(instanceType, body, expected);
  }

  @Delete('instance-types/:instanceType')
  @ApiIfMatch()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete an instance type no live VM has.' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems(401, 403, 404, 409, 412, 429)
  async deleteInstanceType(@Param('instanceType') instanceType: string, @IfMatch() expected: number | undefined): Promise<void> {
    await this.catalog.delete('instanceType', instanceType, expected);
  }
}
