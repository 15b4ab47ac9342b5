import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { PageQueryDto } from '@statemesh/http';
import { NODE_CLASSES, NODE_STATUSES, type NodeClass, type NodeStatus } from '../../node-model';
import { DNS_LABEL } from '../../registry/dto/node.dto';

export class AdminNodeListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only nodes of this operator account.' })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9a-z]{18}$/, { message: 'accountId must be an account id' })
  accountId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(DNS_LABEL, { message: 'zone must be a DNS label' })
  zone?: string;

  @ApiPropertyOptional({ enum: NODE_CLASSES })
  @IsOptional()
  @IsIn(NODE_CLASSES)
  class?: NodeClass;

  @ApiPropertyOptional({ enum: NODE_STATUSES })
  @IsOptional()
  @IsIn(NODE_STATUSES)
  status?: NodeStatus;

  @ApiPropertyOptional({ description: 'Only nodes in (true) or out of (false) the current epoch’s eligible set.' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  eligible?: boolean;

  @ApiPropertyOptional({ description: 'At least this many unallocated vCPUs.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  minFreeVcpu?: number;

  @ApiPropertyOptional({ description: 'At least this much unallocated memory, MiB.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  minFreeMemoryMib?: number;

  @ApiPropertyOptional({ description: 'At least this much unallocated disk, GiB.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  minFreeDiskGib?: number;
}

export class JailNodeDto {
  @ApiPropertyOptional({ description: 'Why; shown to admins.', example: 'abuse report #1234' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  note?: string;
}
