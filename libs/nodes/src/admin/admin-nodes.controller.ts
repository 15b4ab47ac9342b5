import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, PageOf, type Page, type Versioned } from '@statemesh/http';
import { PlatformAdminRoute } from '@statemesh/identity';
import { ProofChainVerificationDto } from '../presence/dto/proof.dto';
import { ProofsService } from '../presence/proofs.service';
import { NodeResponseDto } from '../registry/dto/node.dto';
import { AdminNodesService } from './admin-nodes.service';
import { AdminNodeListQueryDto, JailNodeDto } from './dto/admin-node.dto';

@ApiTags('admin')
@Controller('admin/v1/nodes')
@PlatformAdminRoute()
export class AdminNodesController {
  constructor(
    private readonly nodes: AdminNodesService,
    private readonly proofs: ProofsService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List every node, filtered by operator, zone, class, status, eligibility and free capacity.' })
  @ApiOkResponse({ type: PageOf(NodeResponseDto) })
  @ApiProblems(400, 401, 403, 429)
  list(@Query() query: AdminNodeListQueryDto): Promise<Page<NodeResponseDto>> {
    return this.nodes.list(query);
  }

  @Get(':nodeId')
  @ApiOperation({ summary: 'Get any node.' })
  @ApiOkResponse({ type: NodeResponseDto })
  @ApiProblems(401, 403, 404, 429)
  get(@Param('nodeId') nodeId: string): Promise<Versioned<NodeResponseDto>> {
    return this.nodes.get(nodeId);
  }

  @Post(':nodeId/jail')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Jail a node: out of placement at once, until unjailed.' })
  @ApiOkResponse({ type: NodeResponseDto })
  @ApiProblems(400, 401, 403, 404, 409, 429)
  jail(@Param('nodeId') nodeId: string, @Body() body: JailNodeDto): Promise<Versioned<NodeResponseDto>> {
    return this.nodes.jail(nodeId, body.note);
  }

  @Post(':nodeId/unjail')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Lift a jail; the node is a candidate again and re-earns eligibility.' })
  @ApiOkResponse({ type: NodeResponseDto })
  @ApiProblems(401, 403, 404, 409, 429)
  unjail(@Param('nodeId') nodeId: string): Promise<Versioned<NodeResponseDto>> {
    return this.nodes.unjail(nodeId);
  }

  @Post(':nodeId/decommission')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Decommission a node: no new placements; it drains and is decommissioned once nothing runs there.' })
  @ApiAcceptedResponse({ type: NodeResponseDto })
  @ApiProblems(401, 403, 404, 429)
  decommission(@Param('nodeId') nodeId: string): Promise<Versioned<NodeResponseDto>> {
    return this.nodes.decommission(nodeId);
  }

  @Get(':nodeId/proof-chain')
  @ApiOperation({ summary: "Verify the node's whole proof chain: tampering with any stored proof shows here." })
  @ApiOkResponse({ type: ProofChainVerificationDto })
  @ApiProblems(401, 403, 404, 429)
  verifyChain(@Param('nodeId') nodeId: string): Promise<ProofChainVerificationDto> {
    return this.proofs.verifyChainOf(nodeId);
  }
}
