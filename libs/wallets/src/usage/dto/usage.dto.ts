import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageQueryDto } from '@statemesh/http';
import { IsDateString, IsIn, IsOptional } from 'class-validator';
import { WALLET_CURRENCY } from '../../money/currency';
import { moneyProperty } from '../../money/money.api';

export const USAGE_GROUPINGS = ['resource', 'hour'] as const;
export type UsageGrouping = (typeof USAGE_GROUPINGS)[number];

export class TimeRangeQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'Only periods starting at or after this instant (default: 31 days before `to`).' })
  @IsOptional()
  @IsDateString({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Only periods starting before this instant (default: now). At most 366 days after `from`.' })
  @IsOptional()
  @IsDateString({ strict: true })
  to?: string;
}

export class UsageQueryDto extends TimeRangeQueryDto {
  @ApiPropertyOptional({ enum: USAGE_GROUPINGS, default: 'resource', description: 'One item per resource, or one per hour.' })
  @IsOptional()
  @IsIn(USAGE_GROUPINGS)
  groupBy?: UsageGrouping;
}

export class UsageItemDto {
  @ApiProperty({ type: String, nullable: true, enum: ['vm', 'volume'], description: 'With `groupBy=resource`: the kind of resource; null per hour.' })
  resourceKind: 'vm' | 'volume' | null;

  @ApiProperty({ type: String, nullable: true, description: 'With `groupBy=resource`: the resource; null per hour.' })
  resourceId: string | null;

  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'With `groupBy=hour`: the start of the UTC hour; null per resource.' })
  hour: string | null;

  @ApiProperty({ format: 'date-time', description: 'Start of the first settled period in the item.' })
  from: string;

  @ApiProperty({ format: 'date-time', description: 'End of the last settled period in the item.' })
  to: string;

  @ApiProperty({ example: 3600, description: 'Billable seconds (for a VM: running on a reachable node; for a volume: existing and usable).' })
  seconds: number;

  @ApiProperty({ example: 24, description: 'Settled periods (per resource) or resources (per hour) in the item.' })
  count: number;

  @ApiProperty(moneyProperty('What was charged, all parts included (compute, public UDP ports, volume storage).', { example: '42000' }))
  charge: string;

  @ApiProperty({ example: WALLET_CURRENCY })
  currency: string;
}

export class EarningsItemDto {
  @ApiProperty()
  nodeId: string;

  @ApiProperty({ format: 'date-time', description: 'The start of the UTC hour.' })
  hour: string;

  @ApiProperty({ example: 3600, description: 'Seconds of VM time the node served in the hour, all VMs together.' })
  seconds: number;

  @ApiProperty({ example: 3, description: 'Resources the node served in the hour.' })
  resources: number;

  @ApiProperty(moneyProperty('What tenants were charged for it.', { example: '100000' }))
  gross: string;

  @ApiProperty(moneyProperty('The platform fee taken from it.', { example: '15000' }))
  platformFee: string;

  @ApiProperty(moneyProperty("The operator's share, credited to its wallet.", { example: '85000' }))
  earnings: string;

  @ApiProperty({ example: WALLET_CURRENCY })
  currency: string;
}
