import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, PageOf, type Page, type Versioned } from '@statemesh/http';
import { AccountRoute, CurrentAccountAccess, type AccountAccess } from '@statemesh/identity';
import { NodeListQueryDto, NodeResponseDto, RegisterNodeDto } from './dto/node.dto';
import { NodesService } from './nodes.service';

@ApiTags('nodes')
@Controller('v1/accounts/:accountId/nodes')
export class NodesController {
  constructor(private readonly nodes: NodesService) {}

  @Post()
  @AccountRoute({ role: 'member', scope: 'nodes:write' })
  @ApiOperation({ summary: 'Register a node the account operates. It starts as a candidate and earns eligibility by proving presence.' })
  @ApiCreatedResponse({ type: NodeResponseDto })
  @ApiProblems(400, 401, 403, 404, 409, 422, 429)
  register(@CurrentAccountAccess() access: AccountAccess, @Body() body: RegisterNodeDto): Promise<Versioned<NodeResponseDto>> {
    return this.nodes.register(access, body);
  }

  @Get()
  @AccountRoute({ role: 'viewer', scope: 'nodes:read' })
  @ApiOperation({ summary: "List the account's nodes with live status, capacity and epoch standing." })
  @ApiOkResponse({ type: PageOf(NodeResponseDto) })
  @ApiProblems(400, 401, 403, 404, 429)
  list(@CurrentAccountAccess() access: AccountAccess, @Query() query: NodeListQueryDto): Promise<Page<NodeResponseDto>> {
    return this.nodes.list(access, query);
  }

  @Get(':nodeId')
  @AccountRoute({ role: 'viewer', scope: 'nodes:read' })
  @ApiOperation({ summary: 'Get a node.' })
  @ApiOkResponse({ type: NodeResponseDto })
  @ApiProblems(401, 403, 404, 429)
  get(@CurrentAccountAccess() access: AccountAccess, @Param('nodeId') nodeId: string): Promise<Versioned<NodeResponseDto>> {
    return this.nodes.get(access, nodeId);
  }

  @Post(':nodeId/decommission')
  @AccountRoute({ role: 'member', scope: 'nodes:write' })
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Decommission a node: no new placements; it drains and is decommissioned once nothing runs there.' })
  @ApiAcceptedResponse({ type: NodeResponseDto })
  @ApiProblems(401, 403, 404, 429)
  decommission(@CurrentAccountAccess() access: AccountAccess, @Param('nodeId') nodeId: string): Promise<Versioned<NodeResponseDto>> {
    return this.nodes.decommission(access, nodeId);
  }
}
