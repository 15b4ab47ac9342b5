import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, PageOf, type Page, type Versioned } from '@statemesh/http';
import { Public } from '@statemesh/identity';
import { CatalogService } from './catalog.service';
import { CatalogListQueryDto } from './dto/catalog-query.dto';
import { ImageResponseDto } from './dto/image.dto';
import { InstanceTypeResponseDto } from './dto/instance-type.dto';
import { ZoneResponseDto } from './dto/zone.dto';

@ApiTags('catalog')
@Controller('v1')
@Public()
export class CatalogController {
  constructor(private readonly catalog: CatalogService) {}

  @Get('zones')
  @ApiOperation({ summary: 'Zones VMs can be placed in, with their DNS suffix and public UDP port pool; in name order.' })
  @ApiOkResponse({ type: PageOf(ZoneResponseDto) })
  @ApiProblems(400, 429)
  listZones(@Query() query: CatalogListQueryDto): Promise<Page<ZoneResponseDto>> {
    return this.catalog.listZones(query);
  }

  @Get('zones/:zone')
  @ApiOperation({ summary: 'One zone.' })
  @ApiOkResponse({ type: ZoneResponseDto })
  @ApiProblems(404, 429)
  getZone(@Param('zone') zone: string): Promise<Versioned<ZoneResponseDto>> {
    return this.catalog.getZone(zone);
  }

  @Get('images')
  @ApiOperation({ summary: 'OS images VMs boot from, with the smallest root disk each needs; in name order.' })
  @ApiOkResponse({ type: PageOf(ImageResponseDto) })
  @ApiProblems(400, 429)
  listImages(@Query() query: CatalogListQueryDto): Promise<Page<ImageResponseDto>> {
    return this.catalog.listImages(query);
  }

  @Get('images/:image')
  @ApiOperation({ summary: 'One image.' })
  @ApiOkResponse({ type: ImageResponseDto })
  @ApiProblems(404, 429)
  getImage(@Param('image') image: string): Promise<Versioned<ImageResponseDto>> {
    return this.catalog.getImage(image);
  }

  @Get('instance-types')
  @ApiOperation({ summary: 'VM sizes with their price per hour in the price list in effect now; in name order.' })
  @ApiOkResponse({ type: PageOf(InstanceTypeResponseDto) })
  @ApiProblems(400, 429)
  listInstanceTypes(@Query() query: CatalogListQueryDto): Promise<Page<InstanceTypeResponseDto>> {
    return this.catalog.listInstanceTypes(query);
  }

  @Get('instance-types/:instanceType')
  @ApiOperation({ summary: 'One instance type, with its current price.' })
  @ApiOkResponse({ type: InstanceTypeResponseDto })
  @ApiProblems(404, 429)
  getInstanceType(@Param('instanceType') instanceType: string): Promise<Versioned<InstanceTypeResponseDto>> {
    return this.catalog.getInstanceType(instanceType);
  }
}
