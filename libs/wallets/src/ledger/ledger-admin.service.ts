import { Injectable } from '@nestjs/common';
import { notFound } from '@statemesh/common';
import type { LedgerReconciliationResponseDto, LedgerTransactionResponseDto } from './dto/ledger-transaction.dto';
import { toLedgerTransactionResponse, toReconciliationResponse } from './ledger.mapper';
import { LedgerService } from './ledger.service';

/** The ledger as platform admins inspect it over HTTP. */
@Injectable()
export class LedgerAdminService {
  constructor(private readonly ledger: LedgerService) {}

  async reconcile(): Promise<LedgerReconciliationResponseDto> {
    return toReconciliationResponse(await this.ledger.reconcile());
  }

  async getTransaction(id: string): Promise<LedgerTransactionResponseDto> {
    const transaction = await this.ledger.findTransaction(id);
    if (!transaction) throw notFound('Ledger transaction');
    return toLedgerTransactionResponse(transaction);
  }
}
