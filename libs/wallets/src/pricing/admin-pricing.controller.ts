import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, PageOf, PageQueryDto, type Page } from '@statemesh/http';
import { CurrentPrincipal, PlatformAdminRoute, type Principal } from '@statemesh/identity';
import { CreatePriceListDto, PriceListResponseDto } from './dto/price-list.dto';
import { PricingService } from './pricing.service';

@ApiTags('admin')
@Controller('admin/v1/prices')
@PlatformAdminRoute()
export class AdminPricingController {
  constructor(private readonly pricing: PricingService) {}

  @Get()
  @ApiOperation({ summary: 'Price list versions, the latest effectiveFrom first (scheduled ones included).' })
  @ApiOkResponse({ type: PageOf(PriceListResponseDto) })
  @ApiProblems(400, 401, 403, 429)
  list(@Query() query: PageQueryDto): Promise<Page<PriceListResponseDto>> {
    return this.pricing.list(query);
  }

  @Post()
  @ApiOperation({ summary: 'Create a price list version, effective from the start of a future hour (the next one by default).' })
  @ApiCreatedResponse({ type: PriceListResponseDto })
  @ApiProblems(400, 401, 403, 409, 422, 429)
  create(@Body() body: CreatePriceListDto, @CurrentPrincipal() principal: Principal): Promise<PriceListResponseDto> {
    return this.pricing.create(body, `user:${principal.userId}`);
  }

  @Get(':priceListId')
  @ApiOperation({ summary: 'One price list version.' })
  @ApiOkResponse({ type: PriceListResponseDto })
  @ApiProblems(401, 403, 404, 429)
  get(@Param('priceListId') priceListId: string): Promise<PriceListResponseDto> {
    return this.pricing.get(priceListId);
  }

  @Delete(':priceListId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Withdraw a version that has not taken effect yet.' })
  @ApiNoContentResponse({ description: 'Withdrawn.' })
  @ApiProblems(401, 403, 404, 409, 429)
  async delete(@Param('priceListId') priceListId: string): Promise<void> {
    await this.pricing.deleteScheduled(priceListId);
  }
}
