import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '@statemesh/http';
import { CurrentGateway, GatewayRoute } from '../gateway-tokens/gateway-route.decorator';
import type { GatewaySession } from '../gateway-tokens/gateway-session';
import { ZoneRoutesDto } from './dto/gateway-routes.dto';
import { GatewayRoutesService } from './gateway-routes.service';

@ApiTags('gateway')
@Controller('gateway/v1/zones')
export class GatewayRoutesController {
  constructor(private readonly routes: GatewayRoutesService) {}

  @Get(':zone/routes')
  @GatewayRoute()
  @ApiOperation({ summary: "The zone's routing table for edge gateways: SNI name → node address and port for https/tcp, public UDP port → node address and port, for running VMs." })
  @ApiOkResponse({ type: ZoneRoutesDto })
  @ApiProblems(401, 404, 429)
  get(@CurrentGateway() gateway: GatewaySession, @Param('zone') zone: string): Promise<ZoneRoutesDto> {
    return this.routes.forZone(gateway, zone);
  }
}
