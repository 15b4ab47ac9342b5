import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { VolumeProvider } from '@statemesh/database';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDateString, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { WALLET_CURRENCY } from '../../money/currency';
import { IsMicroUnits } from '../../money/is-micro-units.validator';
import { moneyProperty } from '../../money/money.api';
import { VOLUME_PROVIDERS } from '../price-list.types';

const INSTANCE_TYPE_NAME = /^[a-z][a-z0-9-]{0,30}\.[a-z0-9-]{1,30}$/;

export class InstanceTypePriceDto {
  @ApiProperty({ example: 's1.small', description: 'Instance type name as in the catalog.' })
  @IsString()
  @Matches(INSTANCE_TYPE_NAME, { message: 'name must be an instance type name like s1.small' })
  name: string;

  @ApiProperty(moneyProperty('Price per hour of running.', { example: '12000' }))
  @IsMicroUnits()
  perHour: string;
}

export class VolumePriceDto {
  @ApiProperty({ enum: VOLUME_PROVIDERS, enumName: 'VolumeProvider' })
  @IsIn(VOLUME_PROVIDERS)
  provider: VolumeProvider;

  @ApiProperty(moneyProperty('Price per GiB of provisioned size per hour.', { example: '140' }))
  @IsMicroUnits()
  perGibHour: string;
}

export class CreatePriceListDto {
  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-12-01T00:00:00Z',
    description: 'The start of a future hour (UTC) from which this version applies; defaults to the start of the next hour.',
  })
  @IsOptional()
  @IsDateString({ strict: true })
  effectiveFrom?: string;

  @ApiProperty({ minimum: 0, maximum: 10_000, example: 1500, description: 'Platform fee on operator-served usage, in basis points (1500 = 15%).' })
  @IsInt()
  @Min(0)
  @Max(10_000)
  platformFeeBps: number;

  @ApiProperty({ type: InstanceTypePriceDto, isArray: true, description: 'Every instance type the catalog offers; names unique.' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => InstanceTypePriceDto)
  instanceTypes: InstanceTypePriceDto[];

  @ApiProperty({ type: VolumePriceDto, isArray: true, description: 'Exactly one price per volume provider.' })
  @IsArray()
  @ArrayMinSize(VOLUME_PROVIDERS.length)
  @ArrayMaxSize(VOLUME_PROVIDERS.length)
  @ValidateNested({ each: true })
  @Type(() => VolumePriceDto)
  volumes: VolumePriceDto[];

  @ApiProperty(moneyProperty('Price per public UDP port per hour.', { example: '1000' }))
  @IsMicroUnits()
  publicUdpPortPerHour: string;

  @ApiProperty(moneyProperty('Price per public IPv4 address per hour.', { example: '5000' }))
  @IsMicroUnits()
  publicIpv4PerHour: string;

  @ApiPropertyOptional({ example: 'Storage prices down 10%' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  note?: string;
}

export class InstanceTypePriceResponseDto {
  @ApiProperty({ example: 's1.small' })
  name: string;

  @ApiProperty(moneyProperty('Price per hour of running.', { example: '12000' }))
  perHour: string;
}

export class VolumePriceResponseDto {
  @ApiProperty({ enum: VOLUME_PROVIDERS, enumName: 'VolumeProvider' })
  provider: VolumeProvider;

  @ApiProperty(moneyProperty('Price per GiB of provisioned size per hour.', { example: '140' }))
  perGibHour: string;
}

export class PriceListResponseDto {
  @ApiProperty()
  id: string;

  @ApiProperty({ format: 'date-time', description: 'Usage from this hour on is priced by this version, until the next one takes effect.' })
  effectiveFrom: string;

  @ApiProperty({ example: WALLET_CURRENCY })
  currency: string;

  @ApiProperty({ example: 1500, description: 'Platform fee on operator-served usage, in basis points.' })
  platformFeeBps: number;

  @ApiProperty({ type: InstanceTypePriceResponseDto, isArray: true })
  instanceTypes: InstanceTypePriceResponseDto[];

  @ApiProperty({ type: VolumePriceResponseDto, isArray: true })
  volumes: VolumePriceResponseDto[];

  @ApiProperty(moneyProperty('Price per public UDP port per hour.', { example: '1000' }))
  publicUdpPortPerHour: string;

  @ApiProperty(moneyProperty('Price per public IPv4 address per hour.', { example: '5000' }))
  publicIpv4PerHour: string;

  @ApiProperty({ type: String, nullable: true })
  note: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}
