import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '@statemesh/http';
import { AgentRoute, CurrentNode } from '../agent-sessions/agent-route.decorator';
import type { NodeSession } from '../agent-sessions/node-session';
import { HeartbeatAckDto, HeartbeatDto } from './dto/heartbeat.dto';
import { HeartbeatsService } from './heartbeats.service';

@ApiTags('agent')
@Controller('agent/v1/heartbeats')
export class HeartbeatsController {
  constructor(private readonly heartbeats: HeartbeatsService) {}

  @Post()
  @AgentRoute()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Report that the node is alive, its observed usage and the states of its VMs.' })
  @ApiOkResponse({ type: HeartbeatAckDto })
  @ApiProblems(400, 401, 429)
  record(@CurrentNode() node: NodeSession, @Body() body: HeartbeatDto): Promise<HeartbeatAckDto> {
    return this.heartbeats.record(node, body);
  }
}
