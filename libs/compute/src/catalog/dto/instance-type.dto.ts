import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, IsString, Length } from 'class-validator';
import { IfGiven } from './if-given';

export class CreateInstanceTypeDto {
  @ApiProperty({ example: 's1.small', description: '`<series><generation>.<size>`; prices are looked up by this name.' })
  @IsString()
  name: string;

  @ApiProperty({ example: 1, description: 'At most 64.' })
  @IsInt()
  vcpu: number;

  @ApiProperty({ example: 2048, description: 'Memory in MiB, from 512 to 262144 (256 GiB).' })
  @IsInt()
  memoryMib: number;

  @ApiPropertyOptional({ example: 'nvidia-l4', description: 'GPU model, with gpuCount above 0.' })
  @IfGiven()
  @IsString()
  @Length(1, 100)
  gpuModel?: string;

  @ApiPropertyOptional({ default: 0 })
  @IfGiven()
  @IsInt()
  gpuCount?: number;

  @ApiPropertyOptional({ default: true, description: 'False retires the type: no new VMs, existing ones keep running.' })
  @IfGiven()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateInstanceTypeDto {
  @ApiPropertyOptional({ description: 'Existing VMs keep the size they were created with.' })
  @IfGiven()
  @IsInt()
  vcpu?: number;

  @ApiPropertyOptional()
  @IfGiven()
  @IsInt()
  memoryMib?: number;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  gpuModel?: string | null;

  @ApiPropertyOptional()
  @IfGiven()
  @IsInt()
  gpuCount?: number;

  @ApiPropertyOptional()
  @IfGiven()
  @IsBoolean()
  enabled?: boolean;
}

export class InstanceTypeResponseDto {
  @ApiProperty({ example: 's1.small' })
  name: string;

  @ApiProperty({ example: 's', description: 's (1 vCPU : 2 GiB), u (1:4), m (1:8), or an admin-defined series.' })
  series: string;

  @ApiProperty({ example: 'small' })
  size: string;

  @ApiProperty({ example: 1 })
  vcpu: number;

  @ApiProperty({ example: 2048, description: 'Memory in MiB.' })
  memoryMib: number;

  @ApiProperty({ type: String, nullable: true })
  gpuModel: string | null;

  @ApiProperty({ example: 0 })
  gpuCount: number;

  @ApiProperty({ description: 'Whether new VMs may use the type.' })
  enabled: boolean;

  @ApiProperty({
    type: String,
    nullable: true,
    pattern: '^(0|[1-9][0-9]*)$',
    example: '12000',
    description:
      'Price per hour of running in the price list in effect now. Micro-units (1,000,000 per currency unit) as a decimal string; null when that list has no price for the type.',
  })
  pricePerHour: string | null;

  @ApiProperty({ example: 'USD' })
  currency: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}
