import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, Length, MaxLength, MinLength } from 'class-validator';

const normaliseEmail = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

export class SignupDto {
  @ApiProperty({ example: 'ada@example.com' })
  @Transform(normaliseEmail)
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ minLength: 12, maxLength: 256, description: 'At least 12 characters.', format: 'password' })
  @IsString()
  @MinLength(12)
  @MaxLength(256)
  password: string;

  @ApiPropertyOptional({ example: 'Ada Labs', description: 'Name of the account created with the user; defaults from the email.' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  accountName?: string;
}

export class LoginDto {
  @ApiProperty({ example: 'ada@example.com' })
  @Transform(normaliseEmail)
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ format: 'password' })
  @IsString()
  @MaxLength(256)
  password: string;
}

export class RefreshDto {
  @ApiProperty({ description: 'The refresh token from signup, login or the previous refresh.' })
  @IsString()
  @MaxLength(256)
  refreshToken: string;
}

export class AuthUserDto {
  @ApiProperty()
  id: string;

  @ApiProperty()
  email: string;
}

export class AuthAccountDto {
  @ApiProperty()
  id: string;

  @ApiProperty()
  name: string;
}

export class AuthResultDto {
  @ApiProperty({ description: 'Short-lived access JWT; send as `Authorization: Bearer <token>`.' })
  accessToken: string;

  @ApiProperty({ description: 'Single-use refresh token; each refresh returns a new one.' })
  refreshToken: string;

  @ApiProperty({ description: 'Seconds until the access token expires.', example: 900 })
  expiresIn: number;

  @ApiProperty({ type: AuthUserDto })
  user: AuthUserDto;

  @ApiPropertyOptional({ type: AuthAccountDto, description: 'The account created at signup.' })
  account?: AuthAccountDto;
}
