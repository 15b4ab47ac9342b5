import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, abortOnClose } from '@statemesh/http';
import { AgentRoute, CurrentNode, type NodeSession } from '@statemesh/nodes';
import type { FastifyReply } from 'fastify';
import {
  AcknowledgeAssignmentDto,
  AssignmentAckDto,
  AssignmentListDto,
  AssignmentsQueryDto,
  VmStatusReportDto,
  VmStatusReportResultDto,
} from './dto/assignment.dto';
import { AgentAssignmentsService } from './agent-assignments.service';

@ApiTags('agent')
@Controller('agent/v1')
export class AgentAssignmentsController {
  constructor(private readonly assignments: AgentAssignmentsService) {}

  @Get('assignments')
  @AgentRoute()
  @ApiOperation({ summary: "Long-poll for the node's work: answers as soon as an assignment arrives, or with an empty list after waitSeconds. Unacknowledged assignments are delivered again." })
  @ApiOkResponse({ type: AssignmentListDto })
  @ApiProblems(400, 401, 429)
  async list(@CurrentNode() node: NodeSession, @Query() query: AssignmentsQueryDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<AssignmentListDto> {
    return { items: await this.assignments.poll(node.nodeId, query.waitSeconds ?? 25, abortOnClose(reply)) };
  }

  @Post('assignments/:assignmentId/ack')
  @AgentRoute()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Acknowledge an assignment as done or failed. Repeating an acknowledgement changes nothing.' })
  @ApiOkResponse({ type: AssignmentAckDto })
  @ApiProblems(400, 401, 404, 429)
  acknowledge(@CurrentNode() node: NodeSession, @Param('assignmentId') assignmentId: string, @Body() body: AcknowledgeAssignmentDto): Promise<AssignmentAckDto> {
    return this.assignments.acknowledge(node.nodeId, assignmentId, body);
  }

  @Post('vms/:vmId/status')
  @AgentRoute()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Report the state of a VM the node runs: provisioning, running, stopped or failed (with a reason).' })
  @ApiOkResponse({ type: VmStatusReportResultDto })
  @ApiProblems(400, 401, 404, 429)
  report(@CurrentNode() node: NodeSession, @Param('vmId') vmId: string, @Body() body: VmStatusReportDto): Promise<VmStatusReportResultDto> {
    return this.assignments.report(node.nodeId, vmId, body);
  }
}
