import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsString, Length } from 'class-validator';
import { IfGiven } from '../../catalog/dto/if-given';

export class CreateGatewayTokenDto {
  @ApiProperty({ example: 'edge-fra-1' })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiPropertyOptional({ type: String, isArray: true, example: ['eu-west'], description: 'Zones the gateway may read; every zone if omitted or empty.' })
  @IfGiven()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  zones?: string[];
}

export class GatewayTokenResponseDto {
  @ApiProperty()
  id: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ type: String, isArray: true, description: 'Zones the gateway may read; empty means every zone.' })
  zones: string[];

  @ApiProperty({ description: 'Who issued it (`user:<id>`).' })
  createdBy: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Last use, to the minute.' })
  lastUsedAt: string | null;
}

export class CreatedGatewayTokenDto extends GatewayTokenResponseDto {
  @ApiProperty({ description: 'The secret, starting with `smg_`. Shown only in this response; store it now.' })
  token: string;
}
