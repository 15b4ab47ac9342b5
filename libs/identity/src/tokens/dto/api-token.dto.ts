import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDateString, IsIn, IsOptional, IsString, Length } from 'class-validator';
import { API_TOKEN_SCOPES, type ApiTokenScope } from '../../access/roles';

export class CreateApiTokenDto {
  @ApiProperty({ example: 'ci-deployer' })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({ enum: API_TOKEN_SCOPES, isArray: true, example: ['vms:read'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(API_TOKEN_SCOPES.length)
  @IsIn(API_TOKEN_SCOPES, { each: true })
  scopes: ApiTokenScope[];

  @ApiPropertyOptional({ format: 'date-time', description: 'When the token stops working; never, if omitted.' })
  @IsOptional()
  @IsDateString({ strict: true })
  expiresAt?: string;
}

export class ApiTokenResponseDto {
  @ApiProperty()
  id: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ enum: API_TOKEN_SCOPES, isArray: true })
  scopes: ApiTokenScope[];

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  expiresAt: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastUsedAt: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The user who created it.' })
  createdByUserId: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class CreatedApiTokenDto extends ApiTokenResponseDto {
  @ApiProperty({ description: 'The secret, starting with `smk_`. Shown only in this response; store it now.' })
  token: string;
}
