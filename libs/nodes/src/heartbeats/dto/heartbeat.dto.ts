import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AGENT_VM_STATES, type AgentVmState } from '@statemesh/agent-protocol';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsDateString, IsIn, IsInt, IsNumber, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { NODE_STATUSES, type NodeStatus } from '../../node-model';

export class HeartbeatUsageDto {
  @ApiProperty({ description: 'vCPUs busy (may be fractional).' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1_000_000)
  vcpu: number;

  @ApiProperty()
  @IsInt()
  @Min(0)
  memoryMib: number;

  @ApiProperty()
  @IsInt()
  @Min(0)
  diskGib: number;
}

export class HeartbeatVmDto {
  @ApiProperty()
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9-]{0,63}$/, { message: 'id must be a VM id' })
  id: string;

  @ApiProperty({ enum: AGENT_VM_STATES })
  @IsIn(AGENT_VM_STATES)
  state: AgentVmState;

  @ApiPropertyOptional({ format: 'date-time', description: 'When the VM entered this state.' })
  @IsOptional()
  @IsDateString({ strict: true })
  since?: string;

  @ApiPropertyOptional({ description: 'What the hypervisor said, for failures.' })
  @IsOptional()
  @IsString()
  @Length(0, 500)
  message?: string;

  @ApiPropertyOptional({ description: 'The placement generation of the copy the node holds (from its create-vm assignment).' })
  @IsOptional()
  @IsInt()
  @Min(0)
  generation?: number;
}

export class HeartbeatDto {
  @ApiProperty({ type: HeartbeatUsageDto, description: 'What the agent observes in use. Informational: capacity is what was registered.' })
  @ValidateNested()
  @Type(() => HeartbeatUsageDto)
  usage: HeartbeatUsageDto;

  @ApiProperty({ type: HeartbeatVmDto, isArray: true, description: 'Every VM the node runs, with its state.' })
  @IsArray()
  @ArrayMaxSize(1024)
  @ValidateNested({ each: true })
  @Type(() => HeartbeatVmDto)
  vms: HeartbeatVmDto[];

  @ApiPropertyOptional({ description: 'The address the agent can be reached at; used when none was registered.' })
  @IsOptional()
  @IsString()
  @Length(1, 253)
  @Matches(/^[A-Za-z0-9.:-]+$/, { message: 'address must be a host name or an IP address' })
  address?: string;

  @ApiPropertyOptional({ example: 'statemesh-node-agent/0.1.0' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  agentVersion?: string;
}

export class HeartbeatAckDto {
  @ApiProperty()
  nodeId: string;

  @ApiProperty({ enum: NODE_STATUSES })
  status: NodeStatus;

  @ApiProperty({ description: 'Eligible for placement in the current epoch.' })
  eligible: boolean;

  @ApiProperty({ description: 'The open epoch.' })
  epoch: number;

  @ApiProperty()
  heartbeatIntervalSeconds: number;

  @ApiProperty({ format: 'date-time' })
  serverTime: string;
}
