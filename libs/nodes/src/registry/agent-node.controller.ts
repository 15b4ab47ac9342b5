import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, type Versioned } from '@statemesh/http';
import { AgentRoute, CurrentNode } from '../agent-sessions/agent-route.decorator';
import type { NodeSession } from '../agent-sessions/node-session';
import { NodeResponseDto } from './dto/node.dto';
import { NodesService } from './nodes.service';

@ApiTags('agent')
@Controller('agent/v1/node')
export class AgentNodeController {
  constructor(private readonly nodes: NodesService) {}

  @Get()
  @AgentRoute()
  @ApiOperation({ summary: 'The node the session belongs to, as its operator sees it.' })
  @ApiOkResponse({ type: NodeResponseDto })
  @ApiProblems(401, 429)
  get(@CurrentNode() node: NodeSession): Promise<Versioned<NodeResponseDto>> {
    return this.nodes.get({ accountId: node.accountId, role: 'viewer' }, node.nodeId);
  }
}
