import { ApiProperty } from '@nestjs/swagger';
import { ProblemDto } from '@statemesh/http';

export const OPERATION_STATUSES = ['pending', 'running', 'succeeded', 'failed'] as const;

export class OperationResponseDto {
  @ApiProperty()
  id: string;

  @ApiProperty({ example: 'vm.create', description: '`vm.create`, `vm.start`, `vm.stop`, `vm.restart`, `vm.reset`, `vm.delete`.' })
  type: string;

  @ApiProperty({ example: 'vm' })
  targetType: string;

  @ApiProperty()
  targetId: string;

  @ApiProperty({ enum: OPERATION_STATUSES })
  status: string;

  @ApiProperty({ type: ProblemDto, nullable: true, description: 'Why the operation failed.' })
  error: ProblemDto | null;

  @ApiProperty()
  createdAt: string;

  @ApiProperty({ type: String, nullable: true })
  startedAt: string | null;

  @ApiProperty({ type: String, nullable: true })
  completedAt: string | null;
}
