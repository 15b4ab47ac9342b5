import { formatMicroUnits } from '@statemesh/billing';
import type { LedgerEntry, Wallet } from '@statemesh/database';
import type { LedgerTransactionWithWalletEntries } from '../ledger/ledger.repository';
import { WALLET_CURRENCY } from '../money/currency';
import { runwayHours } from './runway';
import type { WalletResponseDto, WalletTransactionResponseDto } from './dto/wallet.dto';

export function toWalletResponse(wallet: Wallet, burnRatePerHour: bigint): WalletResponseDto {
  return {
    accountId: wallet.accountId!,
    balance: formatMicroUnits(wallet.balance),
    currency: WALLET_CURRENCY,
    burnRatePerHour: formatMicroUnits(burnRatePerHour),
    runwayHours: runwayHours(wallet.balance, burnRatePerHour),
    updatedAt: wallet.updatedAt.toISOString(),
  };
}

/** A transaction as the wallet whose entries it carries sees it. */
export function toWalletTransactionResponse(transaction: LedgerTransactionWithWalletEntries): WalletTransactionResponseDto {
  const entries: LedgerEntry[] = transaction.entries;
  return {
    id: transaction.id,
    type: transaction.type,
    description: transaction.description,
    reference: transaction.reference,
    amount: formatMicroUnits(entries.reduce((total, entry) => total + entry.amount, 0n)),
    balanceAfter: formatMicroUnits(entries[entries.length - 1].balanceAfter),
    entries: entries.map((entry) => ({
      id: entry.id.toString(),
      amount: formatMicroUnits(entry.amount),
      balanceAfter: formatMicroUnits(entry.balanceAfter),
      role: entry.role,
    })),
    createdAt: transaction.createdAt.toISOString(),
  };
}
