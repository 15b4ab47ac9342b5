import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '@statemesh/http';
import { AgentRoute, CurrentNode } from '../agent-sessions/agent-route.decorator';
import type { NodeSession } from '../agent-sessions/node-session';
import { NodeProofDto, ProofChallengeDto, SubmitProofDto } from './dto/proof.dto';
import { ProofsService } from './proofs.service';

@ApiTags('agent')
@Controller('agent/v1/proofs')
export class AgentProofsController {
  constructor(private readonly proofs: ProofsService) {}

  @Get('challenge')
  @AgentRoute()
  @ApiOperation({ summary: 'The node’s next presence challenge: the VDF input on its chain head and the open epoch’s seed.' })
  @ApiOkResponse({ type: ProofChallengeDto })
  @ApiProblems(401, 429)
  challenge(@CurrentNode() node: NodeSession): Promise<ProofChallengeDto> {
    return this.proofs.challenge(node);
  }

  @Post()
  @AgentRoute()
  @ApiOperation({
    summary: 'Submit a presence proof. It is verified and appended to the node’s proof chain; invalid proofs count against the node.',
  })
  @ApiCreatedResponse({ type: NodeProofDto })
  @ApiProblems(400, 401, 409, 422, 429)
  submit(@CurrentNode() node: NodeSession, @Body() body: SubmitProofDto): Promise<NodeProofDto> {
    return this.proofs.submit(node, body);
  }
}
