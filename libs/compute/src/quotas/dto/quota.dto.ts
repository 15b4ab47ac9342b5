import { ApiProperty } from '@nestjs/swagger';
import { IsInt } from 'class-validator';

export const QUOTA_SOURCES = ['default', 'account'] as const;
export type QuotaSource = (typeof QUOTA_SOURCES)[number];

export class PutQuotaDto {
  @ApiProperty({ example: 20, description: 'Live VMs the account may have.' })
  @IsInt()
  maxVms: number;

  @ApiProperty({ example: 64, description: 'vCPUs its live VMs may have in total.' })
  @IsInt()
  maxVcpu: number;

  @ApiProperty({ example: 262144, description: 'Memory its live VMs may have in total, MiB.' })
  @IsInt()
  maxMemoryMib: number;
}

export class QuotaUsageDto {
  @ApiProperty({ description: 'Live VMs (not deleted).' })
  vms: number;

  @ApiProperty({ description: 'vCPUs of the live VMs.' })
  vcpu: number;

  @ApiProperty({ description: 'Memory of the live VMs, MiB.' })
  memoryMib: number;
}

export class AccountQuotaResponseDto {
  @ApiProperty()
  accountId: string;

  @ApiProperty({ example: 20 })
  maxVms: number;

  @ApiProperty({ example: 64 })
  maxVcpu: number;

  @ApiProperty({ example: 262144 })
  maxMemoryMib: number;

  @ApiProperty({ enum: QUOTA_SOURCES, description: '`account`: set by a platform admin for this account; `default`: the platform defaults.' })
  source: QuotaSource;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When an admin last set it; null for the defaults.' })
  updatedAt: string | null;

  @ApiProperty({ type: QuotaUsageDto, description: 'What the account’s live VMs hold now.' })
  usage: QuotaUsageDto;
}
