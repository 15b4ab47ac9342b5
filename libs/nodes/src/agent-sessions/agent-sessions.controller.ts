import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '@statemesh/http';
import { Public } from '@statemesh/identity';
import { AgentSessionsService } from './agent-sessions.service';
import { NodeSessionDto, OpenSessionDto, SessionChallengeDto, SessionChallengeRequestDto } from './dto/agent-session.dto';

@ApiTags('agent')
@Controller('agent/v1/sessions')
@Public()
export class AgentSessionsController {
  constructor(private readonly sessions: AgentSessionsService) {}

  @Post('challenge')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'Ask for a single-use nonce to sign with the node key.' })
  @ApiCreatedResponse({ type: SessionChallengeDto })
  @ApiProblems(400, 404, 429)
  challenge(@Body() body: SessionChallengeRequestDto): Promise<SessionChallengeDto> {
    return this.sessions.challenge(body.nodeId);
  }

  @Post()
  @ApiOperation({ summary: 'Open a node session with the signed nonce; answers a short-lived node token.' })
  @ApiCreatedResponse({ type: NodeSessionDto })
  @ApiProblems(400, 401, 429)
  open(@Body() body: OpenSessionDto): Promise<NodeSessionDto> {
    return this.sessions.open(body);
  }
}
