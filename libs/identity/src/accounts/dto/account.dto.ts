import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { MEMBERSHIP_ROLES, type MembershipRole } from '../../access/roles';

export class AccountResponseDto {
  @ApiProperty()
  id: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ enum: MEMBERSHIP_ROLES, description: "The caller's role in this account." })
  role: MembershipRole;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class UpdateAccountDto {
  @ApiProperty({ example: 'Ada Labs' })
  @IsString()
  @Length(1, 100)
  name: string;
}

export class MeMembershipDto {
  @ApiProperty()
  accountId: string;

  @ApiProperty()
  accountName: string;

  @ApiProperty({ enum: MEMBERSHIP_ROLES })
  role: MembershipRole;
}

export class MeResponseDto {
  @ApiProperty({ enum: ['user', 'apiToken'], description: 'How the caller authenticated.' })
  kind: 'user' | 'apiToken';

  @ApiProperty()
  userId: string;

  @ApiProperty({ nullable: true, type: String })
  email: string | null;

  @ApiProperty()
  platformAdmin: boolean;

  @ApiProperty({ nullable: true, type: String, description: 'For API tokens: the token id.' })
  tokenId: string | null;

  @ApiProperty({ type: String, isArray: true, description: 'For API tokens: its scopes.' })
  scopes: string[];

  @ApiProperty({ type: MeMembershipDto, isArray: true, description: 'Accounts the caller can act on (one for API tokens).' })
  accounts: MeMembershipDto[];
}
