import { Injectable } from '@nestjs/common';
import { DomainError, notFound } from '@statemesh/common';
import type { LedgerTransactionType, Wallet } from '@statemesh/database';
import { Versioned, bigintCursor, pageRequest, toPage, type Page } from '@statemesh/http';
import { LedgerRepository } from '../ledger/ledger.repository';
import { WalletErrors } from '../wallets.errors';
import { BurnRateRegistry } from './burn-rate.registry';
import type { WalletResponseDto, WalletTransactionResponseDto } from './dto/wallet.dto';
import { toWalletResponse, toWalletTransactionResponse } from './wallet.mapper';
import { WalletRepository } from './wallet.repository';

/** Reading an account's wallet: its balance, burn rate and runway, and its statement. */
@Injectable()
export class WalletsService {
  constructor(
    private readonly wallets: WalletRepository,
    private readonly ledger: LedgerRepository,
    private readonly burnRate: BurnRateRegistry,
  ) {}

  async get(accountId: string): Promise<Versioned<WalletResponseDto>> {
    const wallet = await this.walletOf(accountId);
    const burnRatePerHour = await this.burnRate.hourlyCost(accountId);
    return new Versioned(toWalletResponse(wallet, burnRatePerHour), wallet.version);
  }

  /** The wallet's transactions, latest first, optionally within [from, to) and of one type. */
  async listTransactions(
    accountId: string,
    query: { limit?: number; cursor?: string; from?: string; to?: string; type?: LedgerTransactionType },
  ): Promise<Page<WalletTransactionResponseDto>> {
    const from = query.from ? new Date(query.from) : undefined;
    const to = query.to ? new Date(query.to) : undefined;
    if (from && to && from >= to) {
      throw new DomainError(WalletErrors['wallet.invalid_time_range'], '`from` must be before `to`.');
    }
    const wallet = await this.walletOf(accountId);
    const request = pageRequest(query);
    const afterEntryId = request.after === undefined ? undefined : bigintCursor(request.after);
    const rows = await this.ledger.listForWallet(wallet.id, { from, to, type: query.type }, { afterEntryId, limit: request.limit });
    return toPage(rows, request, (row) => row.pageKey.toString(), toWalletTransactionResponse);
  }

  private async walletOf(accountId: string): Promise<Wallet> {
    const wallet = await this.wallets.findByAccount(accountId);
    if (!wallet) throw notFound('Wallet');
    return wallet;
  }
}
