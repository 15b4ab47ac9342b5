import { Injectable } from '@nestjs/common';
import { formatMicroUnits } from '@statemesh/billing';
import { CommonErrors, DomainError } from '@statemesh/common';
import { pageRequest, toPage, type Page } from '@statemesh/http';
import { WALLET_CURRENCY } from '../money/currency';
import { WalletErrors } from '../wallets.errors';
import type { EarningsItemDto, UsageGrouping, UsageItemDto } from './dto/usage.dto';
import { UsageRepository, type EarningsRow, type UsageRow } from './usage.repository';

const DAY_MS = 86_400_000;
const DEFAULT_RANGE_MS = 31 * DAY_MS;
const MAX_RANGE_MS = 366 * DAY_MS;

/** Settled usage for tenants and earnings for operators, from the settlement lines. */
@Injectable()
export class UsageService {
  constructor(private readonly usage: UsageRepository) {}

  async usageOf(accountId: string, query: { from?: string; to?: string; groupBy?: UsageGrouping; limit?: number; cursor?: string }, now = new Date()): Promise<Page<UsageItemDto>> {
    const { from, to } = timeRange(query, now);
    const request = pageRequest(query);
    if ((query.groupBy ?? 'resource') === 'hour') {
      const rows = await this.usage.usageByHour(accountId, from, to, { before: request.after === undefined ? undefined : dateCursor(request.after), limit: request.limit });
      return toPage(rows, request, (row) => row.hour!.toISOString(), toUsageItem);
    }
    const rows = await this.usage.usageByResource(accountId, from, to, { after: request.after === undefined ? undefined : pairCursor(request.after), limit: request.limit });
    return toPage(rows, request, (row) => JSON.stringify([row.resourceKind, row.resourceId]), toUsageItem);
  }

  async earningsOf(accountId: string, query: { from?: string; to?: string; limit?: number; cursor?: string }, now = new Date()): Promise<Page<EarningsItemDto>> {
    const { from, to } = timeRange(query, now);
    const request = pageRequest(query);
    let after: [Date, string] | undefined;
    if (request.after !== undefined) {
      const [hour, nodeId] = pairCursor(request.after);
      after = [dateCursor(hour), nodeId];
    }
    const rows = await this.usage.earnings(accountId, from, to, { after, limit: request.limit });
    return toPage(rows, request, (row) => JSON.stringify([row.hour.toISOString(), row.nodeId]), toEarningsItem);
  }
}

function timeRange(query: { from?: string; to?: string }, now: Date): { from: Date; to: Date } {
  const to = query.to ? new Date(query.to) : now;
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - DEFAULT_RANGE_MS);
  if (from >= to) throw new DomainError(WalletErrors['wallet.invalid_time_range'], '`from` must be before `to`.');
  if (to.getTime() - from.getTime() > MAX_RANGE_MS) {
    throw new DomainError(WalletErrors['wallet.invalid_time_range'], 'The range may span at most 366 days; ask for several.');
  }
  return { from, to };
}

function invalidCursor(): DomainError {
  return new DomainError(CommonErrors['request.invalid_cursor'], 'The cursor is not one this API returned.');
}

function dateCursor(text: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw invalidCursor();
  return date;
}

function pairCursor(text: string): [string, string] {
  try {
    const value: unknown = JSON.parse(text);
    if (Array.isArray(value) && value.length === 2 && value.every((item) => typeof item === 'string')) return value as [string, string];
  } catch {
    // fall through
  }
  throw invalidCursor();
}

function toUsageItem(row: UsageRow): UsageItemDto {
  return {
    resourceKind: row.resourceKind,
    resourceId: row.resourceId,
    hour: row.hour ? row.hour.toISOString() : null,
    from: row.from.toISOString(),
    to: row.to.toISOString(),
    seconds: Number(row.seconds),
    count: Number(row.count),
    charge: formatMicroUnits(BigInt(row.charge)),
    currency: WALLET_CURRENCY,
  };
}

function toEarningsItem(row: EarningsRow): EarningsItemDto {
  return {
    nodeId: row.nodeId,
    hour: row.hour.toISOString(),
    seconds: Number(row.seconds),
    resources: Number(row.resources),
    gross: formatMicroUnits(BigInt(row.gross)),
    platformFee: formatMicroUnits(BigInt(row.platformFee)),
    earnings: formatMicroUnits(BigInt(row.earnings)),
    currency: WALLET_CURRENCY,
  };
}
