import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { formatMicroUnits, parseMicroUnits } from '@statemesh/billing';
import { DomainError, notFound } from '@statemesh/common';
import { TransactionRunner } from '@statemesh/database';
import { toLedgerTransactionResponse } from '../ledger/ledger.mapper';
import { LedgerService } from '../ledger/ledger.service';
import type { LedgerTransactionInput, PostingInput, PostingResult } from '../ledger/ledger.types';
import { WalletRepository } from '../wallets/wallet.repository';
import { WalletErrors } from '../wallets.errors';
import { WALLET_CURRENCY } from '../money/currency';
import type { DepositReceiptDto } from '../webhooks/dto/deposit-webhook.dto';
import type { WalletMovementResponseDto } from './dto/funding.dto';

export interface AdminMovement {
  amount: string;
  reason: string;
  reference?: string;
}

/** Who asks, as far as funding cares: the admin's principal key and user id, and the request's Idempotency-Key. */
export interface MovementRequester {
  principalKey: string;
  userId: string;
  idempotencyKey?: string;
}

export interface Deposit {
  /** The provider's event id. */
  id: string;
  accountId: string;
  amount: string;
  currency: string;
  description?: string;
}

/**
 * Money entering and leaving account wallets outside settlement. Credits and
 * deposits come from platform funding (new money); debits go to and refunds
 * come from platform revenue (charges and their reversal). Every movement has
 * a unique ledger reference, so a retry — however late — never moves money twice.
 */
@Injectable()
export class FundingService {
  constructor(
    private readonly ledger: LedgerService,
    private readonly wallets: WalletRepository,
    private readonly transactions: TransactionRunner,
  ) {}

  credit(accountId: string, movement: AdminMovement, requester: MovementRequester): Promise<WalletMovementResponseDto> {
    const amount = parseMicroUnits(movement.amount);
    return this.adminMove(accountId, movement, requester, 'credit', [
      { account: { kind: 'platform_funding' }, amountMicro: -amount, role: 'funding' },
      { account: { kind: 'wallet', accountId }, amountMicro: amount, role: 'credit' },
    ]);
  }

  /** Refused with 402 if it would take the balance below zero, unless `allowNegative`. */
  debit(accountId: string, movement: AdminMovement & { allowNegative?: boolean }, requester: MovementRequester): Promise<WalletMovementResponseDto> {
    const amount = parseMicroUnits(movement.amount);
    return this.adminMove(
      accountId,
      movement,
      requester,
      'debit',
      [
        { account: { kind: 'wallet', accountId }, amountMicro: -amount, role: 'debit' },
        { account: { kind: 'platform_revenue' }, amountMicro: amount, role: 'revenue' },
      ],
      movement.allowNegative ? 'allow' : 'forbid',
    );
  }

  refund(accountId: string, movement: AdminMovement, requester: MovementRequester): Promise<WalletMovementResponseDto> {
    const amount = parseMicroUnits(movement.amount);
    return this.adminMove(accountId, movement, requester, 'refund', [
      { account: { kind: 'platform_revenue' }, amountMicro: -amount, role: 'revenue' },
      { account: { kind: 'wallet', accountId }, amountMicro: amount, role: 'refund' },
    ]);
  }

  /** A deposit the payment provider reported; its event id is its reference, so a redelivery credits nothing. */
  async deposit(deposit: Deposit): Promise<DepositReceiptDto> {
    const amount = parseMicroUnits(deposit.amount);
    if (deposit.currency !== WALLET_CURRENCY) {
      throw new DomainError(WalletErrors['deposit.currency_mismatch'], `Deposits must be in ${WALLET_CURRENCY}, not ${deposit.currency}.`);
    }
    if (!(await this.wallets.findByAccount(deposit.accountId))) {
      throw new DomainError(WalletErrors['deposit.unknown_account'], 'The deposit names an account that does not exist.');
    }
    const result = await this.post({
      type: 'deposit',
      description: deposit.description ?? 'Deposit',
      actor: 'webhook:deposits',
      reference: `deposit:${deposit.id}`,
      metadata: { eventId: deposit.id },
      postings: [
        { account: { kind: 'platform_funding' }, amountMicro: -amount, role: 'funding' },
        { account: { kind: 'wallet', accountId: deposit.accountId }, amountMicro: amount, role: 'deposit' },
      ],
    });
    return {
      eventId: deposit.id,
      accountId: deposit.accountId,
      amount: formatMicroUnits(amount),
      transactionId: result.transaction.id,
      duplicate: !result.created,
    };
  }

  private async adminMove(
    accountId: string,
    movement: AdminMovement,
    requester: MovementRequester,
    type: 'credit' | 'debit' | 'refund',
    postings: PostingInput[],
    overdraft: 'forbid' | 'allow' = 'forbid',
  ): Promise<WalletMovementResponseDto> {
    const reference = adminReference(movement.reference, requester);
    if (!(await this.wallets.findByAccount(accountId))) throw notFound('Account');
    const result = await this.post({ type, description: movement.reason, actor: `user:${requester.userId}`, reference, postings, overdraft });
    const entry = result.transaction.entries.find((candidate) => candidate.accountId === accountId)!;
    return { duplicate: !result.created, balance: formatMicroUnits(entry.balanceAfter), transaction: toLedgerTransactionResponse(result.transaction) };
  }

  private async post(input: LedgerTransactionInput): Promise<PostingResult> {
    const result = await this.transactions.run((tx) => this.ledger.postTransaction(tx, input));
    if (!result.created && !result.matchesRequest) {
      throw new DomainError(
        WalletErrors['ledger.reference_conflict'],
        `Reference ${input.reference} already moved different money (transaction ${result.transaction.id}); use a new reference for a new movement.`,
        { transactionId: result.transaction.id },
      );
    }
    return result;
  }
}

/**
 * The ledger reference of an admin movement. The caller's own reference wins;
 * otherwise the Idempotency-Key (scoped to the caller, as the HTTP layer
 * scopes it) becomes one, so the ledger refuses a double credit even after the
 * HTTP layer's record of the first response has expired. References appear on
 * the tenant's statement, so the admin and the key are hashed.
 */
export function adminReference(reference: string | undefined, requester: MovementRequester): string {
  if (reference) return `admin:${reference}`;
  if (requester.idempotencyKey) {
    const digest = createHash('sha256').update(`${requester.principalKey}\n${requester.idempotencyKey}`).digest('base64url');
    return `admin:idempotency:${digest}`;
  }
  throw new DomainError(
    WalletErrors['ledger.reference_required'],
    'Send a `reference` or an Idempotency-Key header, so that a retry of this request cannot move money twice.',
  );
}
