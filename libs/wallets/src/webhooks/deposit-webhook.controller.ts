import { Body, Controller, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '@statemesh/http';
import { Public } from '@statemesh/identity';
import { FundingService } from '../funding/funding.service';
import { DepositWebhookGuard } from './deposit-webhook.guard';
import { DepositEventDto, DepositReceiptDto } from './dto/deposit-webhook.dto';

@ApiTags('webhooks')
@Controller('v1/webhooks')
@Public()
export class DepositWebhookController {
  constructor(private readonly funding: FundingService) {}

  @Post('deposits')
  @HttpCode(HttpStatus.OK)
  @UseGuards(DepositWebhookGuard)
  @ApiHeader({
    name: 'StateMesh-Signature',
    required: true,
    description: '`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the shared secret>`.',
  })
  @ApiOperation({
    summary: "The payment provider's deposit notification: credits the account's wallet once per event id.",
    description: 'A redelivered event answers 200 with the original receipt (`duplicate: true`) and credits nothing.',
  })
  @ApiOkResponse({ type: DepositReceiptDto })
  @ApiProblems(400, 401, 409, 415, 422, 429)
  receive(@Body() event: DepositEventDto): Promise<DepositReceiptDto> {
    return this.funding.deposit(event);
  }
}
