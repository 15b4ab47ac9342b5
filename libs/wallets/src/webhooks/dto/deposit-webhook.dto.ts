import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { WALLET_CURRENCY } from '../../money/currency';
import { IsMicroUnits } from '../../money/is-micro-units.validator';
import { moneyProperty } from '../../money/money.api';

export const DEPOSIT_EVENT_TYPES = ['deposit.succeeded'] as const;

/** What the payment provider posts when money was paid in for an account. */
export class DepositEventDto {
  @ApiProperty({
    example: 'evt_1Q2w3E4r5T6y',
    description: "The provider's unique event id. An event credits the wallet once; redeliveries credit nothing.",
  })
  @Matches(/^[\x21-\x7e]{1,200}$/, { message: 'id must be 1-200 printable ASCII characters' })
  id: string;

  @ApiProperty({ enum: DEPOSIT_EVENT_TYPES })
  @IsIn(DEPOSIT_EVENT_TYPES)
  type: (typeof DEPOSIT_EVENT_TYPES)[number];

  @ApiProperty({ description: 'The account whose wallet receives the money.' })
  @IsString()
  @Length(1, 64)
  accountId: string;

  @ApiProperty(moneyProperty('How much was paid in; positive.', { example: '20000000' }))
  @IsMicroUnits({ positive: true })
  amount: string;

  @ApiProperty({ example: WALLET_CURRENCY, description: `Must be ${WALLET_CURRENCY}.` })
  @IsString()
  @Length(3, 3)
  currency: string;

  @ApiPropertyOptional({ example: 'Card payment', description: 'Shown on the account statement.' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  description?: string;
}

export class DepositReceiptDto {
  @ApiProperty()
  eventId: string;

  @ApiProperty()
  accountId: string;

  @ApiProperty(moneyProperty('The amount credited.'))
  amount: string;

  @ApiProperty({ description: 'The ledger transaction that credited the wallet.' })
  transactionId: string;

  @ApiProperty({ description: 'True for a redelivery: this event had already credited the wallet, and nothing moved now.' })
  duplicate: boolean;
}
