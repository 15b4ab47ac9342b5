import { formatMicroUnits } from '@statemesh/billing';
import type { LedgerReconciliationResponseDto, LedgerTransactionResponseDto } from './dto/ledger-transaction.dto';
import type { LedgerReconciliation } from './ledger.service';
import type { PostedLedgerTransaction } from './ledger.types';

export function toLedgerTransactionResponse(transaction: PostedLedgerTransaction): LedgerTransactionResponseDto {
  return {
    id: transaction.id,
    type: transaction.type,
    description: transaction.description,
    actor: transaction.actor,
    reference: transaction.reference,
    entries: transaction.entries.map((entry) => ({
      id: entry.id.toString(),
      walletId: entry.walletId,
      walletKind: entry.walletKind,
      accountId: entry.accountId,
      amount: formatMicroUnits(entry.amount),
      balanceAfter: formatMicroUnits(entry.balanceAfter),
      role: entry.role,
    })),
    createdAt: transaction.createdAt.toISOString(),
  };
}

export function toReconciliationResponse(result: LedgerReconciliation): LedgerReconciliationResponseDto {
  return {
    checkedAt: result.checkedAt.toISOString(),
    consistent: result.consistent,
    walletsChecked: result.walletsChecked,
    totalBalance: formatMicroUnits(result.totalBalance),
    mismatches: result.mismatches.map((row) => ({
      walletId: row.walletId,
      kind: row.kind,
      accountId: row.accountId,
      cachedBalance: formatMicroUnits(row.cachedBalance),
      ledgerBalance: formatMicroUnits(row.ledgerBalance),
    })),
    unbalancedTransactions: result.unbalancedTransactions.map((row) => ({ transactionId: row.transactionId, sum: formatMicroUnits(row.sum) })),
  };
}
