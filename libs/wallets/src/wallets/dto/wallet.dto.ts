import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { LedgerTransactionType } from '@statemesh/database';
import { PageQueryDto } from '@statemesh/http';
import { IsDateString, IsIn, IsOptional } from 'class-validator';
import { LEDGER_TRANSACTION_TYPES } from '../../ledger/ledger.types';
import { WALLET_CURRENCY } from '../../money/currency';
import { moneyProperty } from '../../money/money.api';

export class WalletResponseDto {
  @ApiProperty()
  accountId: string;

  @ApiProperty(moneyProperty('Current balance; negative when usage outran the funds.', { signed: true }))
  balance: string;

  @ApiProperty({ example: WALLET_CURRENCY, description: 'ISO 4217 code of the currency every amount is in.' })
  currency: string;

  @ApiProperty(moneyProperty("What the account's running resources cost per hour at current prices.", { example: '42000' }))
  burnRatePerHour: string;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 297.61,
    description: 'Hours the balance lasts at the current burn rate (rounded down to hundredths); null when nothing is burning.',
  })
  runwayHours: number | null;

  @ApiProperty({ format: 'date-time', description: 'When the balance last changed.' })
  updatedAt: string;
}

export class WalletTransactionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'Only transactions at or after this instant.' })
  @IsOptional()
  @IsDateString({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Only transactions before this instant.' })
  @IsOptional()
  @IsDateString({ strict: true })
  to?: string;

  @ApiPropertyOptional({ enum: LEDGER_TRANSACTION_TYPES, enumName: 'LedgerTransactionType', description: 'Only transactions of this type.' })
  @IsOptional()
  @IsIn(LEDGER_TRANSACTION_TYPES)
  type?: LedgerTransactionType;
}

export class WalletEntryResponseDto {
  @ApiProperty()
  id: string;

  @ApiProperty(moneyProperty('Positive credits the wallet, negative debits it.', { signed: true, example: '-42000' }))
  amount: string;

  @ApiProperty(moneyProperty('The wallet balance right after this entry.', { signed: true }))
  balanceAfter: string;

  @ApiProperty({ type: String, nullable: true, example: 'usage_charge', description: 'What the entry is for within its transaction.' })
  role: string | null;
}

/** A ledger transaction as one wallet sees it: its own entries only. */
export class WalletTransactionResponseDto {
  @ApiProperty()
  id: string;

  @ApiProperty({ enum: LEDGER_TRANSACTION_TYPES, enumName: 'LedgerTransactionType' })
  type: LedgerTransactionType;

  @ApiProperty({ example: 'Welcome credit' })
  description: string;

  @ApiProperty({ type: String, nullable: true, example: 'deposit:evt_123', description: 'The unique reference that made the movement exactly-once.' })
  reference: string | null;

  @ApiProperty(moneyProperty("Net change of this wallet's balance.", { signed: true }))
  amount: string;

  @ApiProperty(moneyProperty('The wallet balance right after this transaction.', { signed: true }))
  balanceAfter: string;

  @ApiProperty({ type: WalletEntryResponseDto, isArray: true })
  entries: WalletEntryResponseDto[];

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}
