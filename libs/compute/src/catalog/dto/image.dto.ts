import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, IsString, Length } from 'class-validator';
import { IfGiven } from './if-given';
import { IMAGE_ARCHES } from '../catalog-rules';

export class CreateImageDto {
  @ApiProperty({ example: 'ubuntu-24.04', description: 'Lowercase letters, digits, dots and inner hyphens.' })
  @IsString()
  name: string;

  @ApiProperty({ example: 'Ubuntu 24.04 LTS' })
  @IsString()
  @Length(1, 100)
  displayName: string;

  @ApiProperty({ example: 'ubuntu' })
  @IsString()
  @Length(1, 50)
  osFamily: string;

  @ApiProperty({ example: '24.04' })
  @IsString()
  @Length(1, 50)
  osVersion: string;

  @ApiPropertyOptional({ enum: IMAGE_ARCHES, default: 'x86_64' })
  @IfGiven()
  @IsString()
  arch?: string;

  @ApiProperty({ example: 10, description: 'Smallest root disk a VM with this image may have, GiB.' })
  @IsInt()
  minDiskGib: number;

  @ApiPropertyOptional({ example: 'https://cloud-images.ubuntu.com/releases/noble/release/ubuntu-24.04-server-cloudimg-amd64.img' })
  @IfGiven()
  @IsString()
  sourceUrl?: string;

  @ApiPropertyOptional({ default: true, description: 'False deprecates the image: no new VMs, existing ones keep it.' })
  @IfGiven()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateImageDto {
  @ApiPropertyOptional()
  @IfGiven()
  @IsString()
  @Length(1, 100)
  displayName?: string;

  @ApiPropertyOptional()
  @IfGiven()
  @IsString()
  @Length(1, 50)
  osFamily?: string;

  @ApiPropertyOptional()
  @IfGiven()
  @IsString()
  @Length(1, 50)
  osVersion?: string;

  @ApiPropertyOptional({ enum: IMAGE_ARCHES })
  @IfGiven()
  @IsString()
  arch?: string;

  @ApiPropertyOptional()
  @IfGiven()
  @IsInt()
  minDiskGib?: number;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'null removes it.' })
  @IsOptional()
  @IsString()
  sourceUrl?: string | null;

  @ApiPropertyOptional()
  @IfGiven()
  @IsBoolean()
  enabled?: boolean;
}

export class ImageResponseDto {
  @ApiProperty({ example: 'ubuntu-24.04' })
  name: string;

  @ApiProperty({ example: 'Ubuntu 24.04 LTS (Noble Numbat)' })
  displayName: string;

  @ApiProperty({ example: 'ubuntu' })
  osFamily: string;

  @ApiProperty({ example: '24.04' })
  osVersion: string;

  @ApiProperty({ enum: IMAGE_ARCHES, example: 'x86_64' })
  arch: string;

  @ApiProperty({ example: 10, description: 'Smallest root disk a VM with this image may have, GiB.' })
  minDiskGib: number;

  @ApiProperty({ type: String, nullable: true, description: 'Where node agents fetch the image from.' })
  sourceUrl: string | null;

  @ApiProperty({ description: 'Whether new VMs may use the image.' })
  enabled: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}
