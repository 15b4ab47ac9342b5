import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Length, Matches } from 'class-validator';
import { LedgerTransactionResponseDto } from '../../ledger/dto/ledger-transaction.dto';
import { IsMicroUnits } from '../../money/is-micro-units.validator';
import { moneyProperty } from '../../money/money.api';

const REFERENCE = /^[\x21-\x7e]{1,200}$/;

export class WalletMovementDto {
  @ApiProperty(moneyProperty('How much to move; positive.', { example: '25000000' }))
  @IsMicroUnits({ positive: true })
  amount: string;

  @ApiProperty({ example: 'Support ticket 4711: outage compensation', description: 'Why; shown on the account statement.' })
  @IsString()
  @Length(1, 500)
  reason: string;

  @ApiPropertyOptional({
    example: 'ticket-4711',
    description:
      'Your unique reference for this movement (1-200 printable ASCII characters). The ledger moves money once per reference, ' +
      'forever: a retry with the same reference returns the first result. Without one, the Idempotency-Key header serves, ' +
      'and one of the two is required.',
  })
  @IsOptional()
  @Matches(REFERENCE, { message: 'reference must be 1-200 printable ASCII characters' })
  reference?: string;
}

export class CreditWalletDto extends WalletMovementDto {}

export class RefundWalletDto extends WalletMovementDto {}

export class DebitWalletDto extends WalletMovementDto {
  @ApiPropertyOptional({
    default: false,
    description: 'Let the balance go below zero. Without it, a debit larger than the balance is refused with 402.',
  })
  @IsOptional()
  @IsBoolean()
  allowNegative?: boolean;
}

export class WalletMovementResponseDto {
  @ApiProperty({ description: 'True when this reference had moved money before: nothing moved now; `transaction` is the original.' })
  duplicate: boolean;

  @ApiProperty(moneyProperty("The account's balance right after the transaction.", { signed: true }))
  balance: string;

  @ApiProperty({ type: LedgerTransactionResponseDto })
  transaction: LedgerTransactionResponseDto;
}
