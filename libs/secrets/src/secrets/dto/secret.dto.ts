import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MinLength, ValidateBy } from 'class-validator';
import { MAX_SECRET_VALUE_BYTES, SECRET_NAME_PATTERN, SECRET_NAME_RULE } from '../secret-name';

const VALUE_DESCRIPTION =
  `The secret value: any string of 1 to ${MAX_SECRET_VALUE_BYTES} bytes in UTF-8. ` +
  'Write-only: encrypted at rest and never returned by any route, log line or error.';

/** Byte length in UTF-8, not UTF-16 code units: the limit is on what is stored. */
function MaxUtf8Bytes(max: number): PropertyDecorator {
  return ValidateBy({
    name: 'maxUtf8Bytes',
    constraints: [max],
    validator: {
      validate: (value: unknown) => typeof value === 'string' && Buffer.byteLength(value, 'utf8') <= max,
      defaultMessage: (args) => `${args?.property ?? 'value'} must be at most ${max} bytes in UTF-8`,
    },
  });
}

// Validation messages are fixed strings: none may quote the value.
class SecretValueField {
  @ApiProperty({ description: VALUE_DESCRIPTION, writeOnly: true, minLength: 1, format: 'password' })
  @IsString({ message: 'value must be a string' })
  @MinLength(1, { message: 'value must not be empty' })
  @MaxUtf8Bytes(MAX_SECRET_VALUE_BYTES)
  value: string;
}

export class CreateSecretDto extends SecretValueField {
  @ApiProperty({ description: `Unique in the account: ${SECRET_NAME_RULE}.`, pattern: SECRET_NAME_PATTERN.source, example: 'db-password' })
  @IsString({ message: 'name must be a string' })
  @Matches(SECRET_NAME_PATTERN, { message: `name must be ${SECRET_NAME_RULE}` })
  name: string;
}

export class ReplaceSecretDto extends SecretValueField {}

/** A secret as every route shows it: metadata, never the value. */
export class SecretResponseDto {
  @ApiProperty({ example: 'db-password' })
  name: string;

  @ApiProperty({ example: 1, description: 'Starts at 1; every replacement of the value adds 1. Also the ETag (`"v<version>"`).' })
  version: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time', description: 'When the value was last set.' })
  updatedAt: string;
}
