import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { NODE_STATUSES, type NodeStatus } from '../../node-model';

const ID = /^[0-9a-z]{18}$/;

export class SessionChallengeRequestDto {
  @ApiProperty({ example: '0mhx3k2a1b2c3d4e5f', description: 'The node the agent runs as.' })
  @IsString()
  @Matches(ID, { message: 'nodeId must be a node id' })
  nodeId: string;
}

export class SessionChallengeDto {
  @ApiProperty()
  nodeId: string;

  @ApiProperty({ description: 'Single-use; sign `signingInput` with the node key before `expiresAt`.' })
  nonce: string;

  @ApiProperty({
    description: 'The exact UTF-8 text to sign with Ed25519: `statemesh/agent-session/v1\\n<nodeId>\\n<nonce>`.',
  })
  signingInput: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt: string;
}

export class OpenSessionDto {
  @ApiProperty()
  @IsString()
  @Matches(ID, { message: 'nodeId must be a node id' })
  nodeId: string;

  @ApiProperty()
  @IsString()
  @Length(1, 200)
  nonce: string;

  @ApiProperty({ description: 'Ed25519 signature of the challenge’s signingInput, base64url (64 bytes).' })
  @IsString()
  @Length(1, 200)
  signature: string;
}

export class AgentSettingsDto {
  @ApiProperty({ description: 'Send a heartbeat this often.' })
  heartbeatIntervalSeconds: number;

  @ApiProperty({ description: 'Silence for this long makes the node unreachable.' })
  unreachableAfterSeconds: number;

  @ApiProperty({ description: 'Self-fencing: after this long without reaching the API the agent stops every VM of the node (they are rescheduled elsewhere).' })
  selfFenceAfterSeconds: number;

  @ApiProperty({ description: 'Prove presence once per interval.' })
  proofIntervalSeconds: number;

  @ApiProperty({ description: 'The VDF delay T of every proof.' })
  vdfIterations: number;

  @ApiProperty()
  epochSeconds: number;
}

export class SessionNodeDto {
  @ApiProperty()
  id: string;

  @ApiProperty()
  accountId: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ enum: NODE_STATUSES })
  status: NodeStatus;
}

export class NodeSessionDto {
  @ApiProperty({ description: 'Bearer token for /agent/v1 routes.' })
  token: string;

  @ApiProperty({ example: 'Bearer' })
  tokenType: 'Bearer';

  @ApiProperty({ description: 'Seconds until the token expires; open a new session before then.' })
  expiresIn: number;

  @ApiProperty({ type: SessionNodeDto })
  node: SessionNodeDto;

  @ApiProperty({ type: AgentSettingsDto })
  settings: AgentSettingsDto;
}
