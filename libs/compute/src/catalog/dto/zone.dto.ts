import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsString, Length } from 'class-validator';
import { IfGiven } from './if-given';

export class CreateZoneDto {
  @ApiProperty({ example: 'eu-west', description: 'A DNS label: one label of every entrypoint name in the zone.' })
  @IsString()
  name: string;

  @ApiProperty({ example: 'Europe West' })
  @IsString()
  @Length(1, 100)
  displayName: string;

  @ApiProperty({ example: 20000, description: 'First port of the public UDP port pool.' })
  @IsInt()
  udpPortMin: number;

  @ApiProperty({ example: 29999, description: 'Last port of the public UDP port pool (included).' })
  @IsInt()
  udpPortMax: number;

  @ApiPropertyOptional({ default: true, description: 'False retires the zone: no new VMs, existing ones keep running.' })
  @IfGiven()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateZoneDto {
  @ApiPropertyOptional({ example: 'Europe West' })
  @IfGiven()
  @IsString()
  @Length(1, 100)
  displayName?: string;

  @ApiPropertyOptional({ description: 'UDP ports already allocated keep their number, even outside a narrowed pool.' })
  @IfGiven()
  @IsInt()
  udpPortMin?: number;

  @ApiPropertyOptional()
  @IfGiven()
  @IsInt()
  udpPortMax?: number;

  @ApiPropertyOptional()
  @IfGiven()
  @IsBoolean()
  enabled?: boolean;
}

export class ZoneResponseDto {
  @ApiProperty({ example: 'eu-west' })
  name: string;

  @ApiProperty({ example: 'Europe West' })
  displayName: string;

  @ApiProperty({ example: 'eu-west.statemesh.net', description: 'Entrypoints of VMs in the zone are `vm-<name>-<id>.<dnsSuffix>`.' })
  dnsSuffix: string;

  @ApiProperty({ example: 20000 })
  udpPortMin: number;

  @ApiProperty({ example: 29999 })
  udpPortMax: number;

  @ApiProperty({ description: 'Whether the zone takes new VMs.' })
  enabled: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}
