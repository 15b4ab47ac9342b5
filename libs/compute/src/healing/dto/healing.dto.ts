import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export const HEALTH_CHECK_TYPES = ['tcp', 'http'] as const;

export class HealthCheckDto {
  @ApiProperty({ enum: HEALTH_CHECK_TYPES, description: '`tcp`: the port accepts a connection; `http`: `GET path` answers 2xx or 3xx.' })
  @IsIn(HEALTH_CHECK_TYPES)
  type: (typeof HEALTH_CHECK_TYPES)[number];

  @ApiProperty({ minimum: 1, maximum: 65535, example: 8080 })
  @IsInt()
  @Min(1)
  @Max(65535)
  port: number;

  @ApiPropertyOptional({ example: '/healthz', description: 'For `http` checks (default `/`).' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  @Matches(/^\/[^\s]*$/, { message: 'path must start with / and contain no spaces' })
  path?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 3600, default: 10, description: 'Seconds between checks.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3600)
  intervalSeconds?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 3, description: 'Failed checks in a row that make the VM unhealthy.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  unhealthyThreshold?: number;
}

export class RestartScheduleDto {
  @ApiProperty({ example: '0 4 * * *', description: 'A cron expression (5 fields, or 6 with seconds first).' })
  @IsString()
  @MaxLength(200)
  cron: string;

  @ApiProperty({ example: 'Europe/Paris', description: 'An IANA time zone the expression is read in.' })
  @IsString()
  @MaxLength(64)
  timeZone: string;
}

export class RestartScheduleResponseDto {
  @ApiProperty()
  cron: string;

  @ApiProperty()
  timeZone: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'The next scheduled restart (transient VMs: reset).' })
  nextRunAt: string | null;
}
