import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { ImageResponseDto } from '../../catalog/dto/image.dto';

export const ACCOUNT_IMAGE_NAME = /^[a-z0-9](?:[a-z0-9.]|-(?=[a-z0-9]))*$/;

export class CaptureImageDto {
  @ApiProperty({ example: 'web-golden', description: 'Lowercase letters, digits, dots and inner hyphens; unique among all images (public ones included).' })
  @IsString()
  @Length(1, 63)
  @Matches(ACCOUNT_IMAGE_NAME, { message: 'name must be lowercase letters, digits, dots and inner hyphens' })
  name: string;

  @ApiPropertyOptional({ example: 'Web server, patched' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  displayName?: string;
}

export class AccountImageResponseDto extends ImageResponseDto {
  @ApiProperty({ description: 'The account that owns the image; only it sees and uses it.' })
  accountId: string;

  @ApiProperty({ type: String, nullable: true, description: 'The VM it was captured from.' })
  sourceVmId: string | null;
}
