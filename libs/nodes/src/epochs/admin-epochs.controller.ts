import { Controller, Get, Param, ParseIntPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, PageOf, PageQueryDto, type Page } from '@statemesh/http';
import { PlatformAdminRoute } from '@statemesh/identity';
import { EpochDetailDto, EpochResponseDto } from './dto/epoch.dto';
import { EpochsService } from './epochs.service';

@ApiTags('admin')
@Controller('admin/v1/epochs')
@PlatformAdminRoute()
export class AdminEpochsController {
  constructor(private readonly epochs: EpochsService) {}

  @Get()
  @ApiOperation({ summary: 'Epochs, newest first.' })
  @ApiOkResponse({ type: PageOf(EpochResponseDto) })
  @ApiProblems(400, 401, 403, 429)
  list(@Query() query: PageQueryDto): Promise<Page<EpochResponseDto>> {
    return this.epochs.list(query);
  }

  @Get('current')
  @ApiOperation({ summary: 'The open epoch.' })
  @ApiOkResponse({ type: EpochDetailDto })
  @ApiProblems(401, 403, 429)
  current(): Promise<EpochDetailDto> {
    return this.epochs.currentDetail();
  }

  @Get(':number')
  @ApiOperation({ summary: 'An epoch with the eligible set it fixed for the next one.' })
  @ApiOkResponse({ type: EpochDetailDto })
  @ApiProblems(400, 401, 403, 404, 429)
  get(@Param('number', ParseIntPipe) number: number): Promise<EpochDetailDto> {
    return this.epochs.detail(number);
  }
}
