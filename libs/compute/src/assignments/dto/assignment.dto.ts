import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { AGENT_VM_STATES, ASSIGNMENT_ACTIONS, type AgentVmState } from '@statemesh/agent-protocol';

export class AssignmentsQueryDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 120, default: 25, description: 'Long-poll: answer as soon as work arrives, or with an empty list after this many seconds.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(120)
  waitSeconds?: number;
}

export class AssignmentDto {
  @ApiProperty()
  id: string;

  @ApiProperty({ enum: ASSIGNMENT_ACTIONS })
  action: string;

  @ApiProperty()
  vmId: string;

  @ApiProperty({ description: 'The VM’s placement generation; agents refuse assignments older than one they have seen.' })
  generation: number;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'create-vm: the VM spec (image, sizes, rendered cloud-init, SSH keys, ports and entrypoint names).' })
  vm?: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  volume?: Record<string, unknown>;

  @ApiPropertyOptional()
  snapshotId?: string;
}

export class AssignmentListDto {
  @ApiProperty({ type: AssignmentDto, isArray: true })
  items: AssignmentDto[];
}

export class AcknowledgeAssignmentDto {
  @ApiProperty({ enum: ['done', 'failed'] })
  @IsIn(['done', 'failed'])
  outcome: 'done' | 'failed';

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  message?: string;
}

export class AssignmentAckDto {
  @ApiProperty()
  id: string;

  @ApiProperty({ enum: ['done', 'failed', 'superseded'] })
  status: string;
}

export class VmStatusReportDto {
  @ApiProperty({ enum: AGENT_VM_STATES })
  @IsIn(AGENT_VM_STATES)
  state: AgentVmState;

  @ApiProperty({ description: 'When the VM entered the state, as the node saw it.' })
  @IsISO8601()
  since: string;

  @ApiPropertyOptional({ maxLength: 2000, description: 'Why, for failures.' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  message?: string;

  @ApiPropertyOptional({ description: 'The result of the VM’s health check, for VMs that have one: false withdraws its entrypoints (and restarts it per run strategy), true routes them again.' })
  @IsOptional()
  @IsBoolean()
  healthy?: boolean;
}

export class VmStatusReportResultDto {
  @ApiProperty({ description: 'Whether the report changed the VM; stale reports (the platform has moved on) are accepted and ignored.' })
  applied: boolean;

  @ApiProperty({ description: 'The VM’s status after the report.' })
  status: string;
}
