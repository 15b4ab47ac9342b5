import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '@statemesh/http';
import { Public } from '@statemesh/identity';
import { PriceListResponseDto } from './dto/price-list.dto';
import { PricingService } from './pricing.service';

@ApiTags('prices')
@Controller('v1/prices')
@Public()
export class PricingController {
  constructor(private readonly pricing: PricingService) {}

  @Get('current')
  @ApiOperation({ summary: 'The price list in effect now: instance types, volumes, public ports and addresses, platform fee.' })
  @ApiOkResponse({ type: PriceListResponseDto })
  @ApiProblems(404, 429)
  current(): Promise<PriceListResponseDto> {
    return this.pricing.current();
  }
}
