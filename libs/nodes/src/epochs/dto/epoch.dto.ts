import { ApiProperty } from '@nestjs/swagger';

export class EpochSummaryDto {
  @ApiProperty({ description: 'Nodes judged at the close.' })
  nodes: number;

  @ApiProperty({ description: 'Nodes eligible for placement in the next epoch.' })
  eligible: number;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, description: 'Nodes by status after the close.' })
  byStatus: Record<string, number>;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number' },
    description: 'Nodes by transition: promoted, demoted, jailed, released, ...',
  })
  transitions: Record<string, number>;
}

export class EpochResponseDto {
  @ApiProperty()
  number: number;

  @ApiProperty({ enum: ['open', 'closed'] })
  status: 'open' | 'closed';

  @ApiProperty({ description: 'The seed every proof of the epoch commits to.' })
  seed: string;

  @ApiProperty({ format: 'date-time' })
  startsAt: string;

  @ApiProperty({ format: 'date-time' })
  endsAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  closedAt: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Fixed at the close: the seed of the next epoch.' })
  nextSeed: string | null;

  @ApiProperty({ description: 'Fixed at the close: how many nodes are eligible in the next epoch.' })
  eligibleCount: number;

  @ApiProperty({ type: String, nullable: true, description: 'SHA-256 commitment to the sorted eligible node ids.' })
  eligibleSetHash: string | null;

  @ApiProperty({ type: EpochSummaryDto, nullable: true })
  summary: EpochSummaryDto | null;
}

export class EpochDetailDto extends EpochResponseDto {
  @ApiProperty({ type: String, isArray: true, description: 'The nodes eligible for placement in the next epoch, sorted.' })
  eligibleNodeIds: string[];
}
