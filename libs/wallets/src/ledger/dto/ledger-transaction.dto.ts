import { ApiProperty } from '@nestjs/swagger';
import type { LedgerTransactionType, WalletKind } from '@statemesh/database';
import { moneyProperty } from '../../money/money.api';
import { LEDGER_TRANSACTION_TYPES, WALLET_KINDS } from '../ledger.types';

export class LedgerEntryResponseDto {
  @ApiProperty()
  id: string;

  @ApiProperty()
  walletId: string;

  @ApiProperty({ enum: WALLET_KINDS, enumName: 'WalletKind' })
  walletKind: WalletKind;

  @ApiProperty({ type: String, nullable: true, description: 'The account owning the wallet; null for platform wallets.' })
  accountId: string | null;

  @ApiProperty(moneyProperty('Positive credits the wallet, negative debits it.', { signed: true }))
  amount: string;

  @ApiProperty(moneyProperty('The wallet balance right after this entry.', { signed: true }))
  balanceAfter: string;

  @ApiProperty({ type: String, nullable: true })
  role: string | null;
}

/** A whole ledger transaction, every side of it (platform admins). */
export class LedgerTransactionResponseDto {
  @ApiProperty()
  id: string;

  @ApiProperty({ enum: LEDGER_TRANSACTION_TYPES, enumName: 'LedgerTransactionType' })
  type: LedgerTransactionType;

  @ApiProperty()
  description: string;

  @ApiProperty({ example: 'user:0mhx3k2a1b2c3d4e5f', description: 'Who moved the money.' })
  actor: string;

  @ApiProperty({ type: String, nullable: true })
  reference: string | null;

  @ApiProperty({ type: LedgerEntryResponseDto, isArray: true, description: 'Sum to zero.' })
  entries: LedgerEntryResponseDto[];

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class BalanceMismatchDto {
  @ApiProperty()
  walletId: string;

  @ApiProperty({ enum: WALLET_KINDS, enumName: 'WalletKind' })
  kind: WalletKind;

  @ApiProperty({ type: String, nullable: true })
  accountId: string | null;

  @ApiProperty(moneyProperty('The balance the wallet row caches.', { signed: true }))
  cachedBalance: string;

  @ApiProperty(moneyProperty("The sum of the wallet's ledger entries.", { signed: true }))
  ledgerBalance: string;
}

export class UnbalancedTransactionDto {
  @ApiProperty()
  transactionId: string;

  @ApiProperty(moneyProperty('What its entries sum to (should be zero).', { signed: true }))
  sum: string;
}

export class LedgerReconciliationResponseDto {
  @ApiProperty({ format: 'date-time' })
  checkedAt: string;

  @ApiProperty({ description: 'True when nothing below was found and all balances sum to zero.' })
  consistent: boolean;

  @ApiProperty()
  walletsChecked: number;

  @ApiProperty(moneyProperty('Sum of every cached wallet balance; zero in a double-entry ledger.', { signed: true, example: '0' }))
  totalBalance: string;

  @ApiProperty({ type: BalanceMismatchDto, isArray: true })
  mismatches: BalanceMismatchDto[];

  @ApiProperty({ type: UnbalancedTransactionDto, isArray: true })
  unbalancedTransactions: UnbalancedTransactionDto[];
}
