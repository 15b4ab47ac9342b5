import { Injectable, Logger } from '@nestjs/common';
import {
  closedPeriodsSince,
  initialSettledUntil,
  planPeriodSettlement,
  tenantSettlements,
  type PlannedLine,
  type SettlementPeriod,
} from '@statemesh/billing';
import { newId } from '@statemesh/common';
import { AppConfig } from '@statemesh/config';
import { TransactionRunner, type Prisma } from '@statemesh/database';
import { LedgerService } from '../ledger/ledger.service';
import { PricingService } from '../pricing/pricing.service';
import { SettlementRepository, type NewSettlementLine } from './settlement.repository';
import type { UsageSource } from './usage-source';
import { VmUsageSource } from './vm-usage.source';

/** Periods one run settles per source at most; a longer backlog continues on the next run. */
export const MAX_PERIODS_PER_RUN = 48;

export interface PeriodOutcome {
  source: string;
  periodStart: Date;
  periodEnd: Date;
  /** Resources settled (lines written). */
  lines: number;
  /** Ledger transactions posted (one per tenant charged). */
  transactions: number;
  chargedMicro: bigint;
  /** Tenants whose balance is below zero after this period. */
  tenantsInArrears: number;
}

export interface SettlementRun {
  settled: PeriodOutcome[];
  /** Sources another worker was settling at the time: left to it. */
  busy: string[];
}

/**
 * Hourly settlement: every closed period of every usage source is metered,
 * priced with the price list in effect at its start and charged — oldest
 * first, each period in one database transaction that writes its settlement
 * lines (unique per resource and period), one ledger transaction per tenant
 * and the source's advanced cursor. The cursor row is locked for that
 * transaction, so concurrent workers never settle the same source at once;
 * the unique lines make a period settled twice impossible even if they did.
 * A crash anywhere rolls the whole period back, to be settled on the next run.
 */
@Injectable()
export class SettlementService {
  private readonly logger = new Logger(SettlementService.name);
  private readonly sources: UsageSource[];

  constructor(
    private readonly config: AppConfig,
    private readonly transactions: TransactionRunner,
    private readonly settlement: SettlementRepository,
    private readonly ledger: LedgerService,
    private readonly pricing: PricingService,
    vms: VmUsageSource,
  ) {
    this.sources = [vms];
  }

  /** Adds a usage source (e.g. volumes) at start-up. */
  register(source: UsageSource): void {
    if (this.sources.some((existing) => existing.kind === source.kind)) throw new Error(`a usage source for ${source.kind} is already registered`);
    this.sources.push(source);
  }

  /** Settles every period that has closed by `now`, per source, oldest first (at most MAX_PERIODS_PER_RUN each). */
  async settleDuePeriods(now: Date = new Date(), maxPeriods = MAX_PERIODS_PER_RUN): Promise<SettlementRun> {
    const run: SettlementRun = { settled: [], busy: [] };
    for (const source of this.sources) {
      await this.ensureCursor(source, now);
      for (let count = 0; count < maxPeriods; count++) {
        const outcome = await this.settleNextPeriod(source, now);
        if (outcome === 'busy') run.busy.push(source.kind);
        if (outcome === 'busy' || outcome === 'caught_up') break;
        run.settled.push(outcome);
      }
    }
    return run;
  }

  private async ensureCursor(source: UsageSource, now: Date): Promise<void> {
    if ((await this.settlement.findCursor(source.kind)) !== null) return;
    const start = initialSettledUntil(await source.earliestUsage(), now, this.config.settlement.periodSeconds);
    await this.settlement.ensureCursor(source.kind, start);
  }

  private settleNextPeriod(source: UsageSource, now: Date): Promise<PeriodOutcome | 'busy' | 'caught_up'> {
    return this.transactions.run(
      async (tx) => {
        const settledUntil = await this.settlement.lockCursor(source.kind, tx);
        if (settledUntil === null) return 'busy';
        const [period] = closedPeriodsSince(settledUntil, now, this.config.settlement.periodSeconds, 1);
        if (!period) return 'caught_up';
        const outcome = await this.settlePeriod(source, period, tx);
        await this.settlement.advanceCursor(source.kind, period.end, tx);
        return outcome;
      },
      { timeoutMs: 10 * 60_000 },
    );
  }

  private async settlePeriod(source: UsageSource, period: SettlementPeriod, tx: Prisma.TransactionClient): Promise<PeriodOutcome> {
    const prices = await this.pricing.priceListAt(period.start);
    if (!prices) this.logger.warn(`no price list in effect at ${period.start.toISOString()}: ${source.kind} usage of that period is recorded at no charge`);
    const periodSeconds = Math.round((period.end.getTime() - period.start.getTime()) / 1000);
    const usages = await source.meter(period, prices ?? { instanceTypePerHour: new Map(), publicUdpPortPerHour: 0n }, tx);
    const planned = planPeriodSettlement(usages, prices?.platformFeeBps ?? 0, periodSeconds);

    const transactionIdOf = new Map(tenantSettlements(planned).map((tenant) => [tenant.tenantAccountId, newId()]));
    const lines: NewSettlementLine[] = planned.map((line) => ({
      id: newId(),
      line,
      transactionId: line.chargeMicro > 0n ? transactionIdOf.get(line.tenantAccountId)! : null,
    }));
    const inserted = await this.settlement.insertLines(lines, period.start, period.end, tx);
    // Only lines settled now are charged: one already settled (its resource and
    // period are the unique key) has been paid for by the transaction that wrote it.
    const fresh = inserted.size === lines.length ? lines : lines.filter((line) => inserted.has(line.id));
    if (fresh.length !== lines.length) this.logger.warn(`${lines.length - fresh.length} ${source.kind} line(s) of ${period.start.toISOString()} were already settled; not charged again`);
    await this.settlement.insertParts(fresh, period.start, tx);

    const tenants = tenantSettlements(fresh.map((line): PlannedLine => line.line));
    const results = await this.ledger.postTransactions(
      tx,
      tenants.map((tenant) => ({
        id: transactionIdOf.get(tenant.tenantAccountId)!,
        type: 'settlement' as const,
        description: `Usage ${period.start.toISOString()} – ${period.end.toISOString()}: ${tenant.lineCount} ${source.kind}${tenant.lineCount === 1 ? '' : 's'}`,
        actor: 'system:settlement',
        reference: `settlement:${source.kind}:${period.start.toISOString()}:${tenant.tenantAccountId}`,
        metadata: { source: source.kind, periodStart: period.start.toISOString(), periodEnd: period.end.toISOString(), resources: tenant.lineCount },
        postings: tenant.postings,
        overdraft: 'allow' as const,
      })),
    );
    const repeated = results.find((result) => !result.created);
    if (repeated) throw new Error(`settlement reference ${repeated.transaction.reference} was already posted; rolling the period back`);

    const tenantsInArrears = results.filter((result) => {
      const tenantEntry = result.transaction.entries.find((entry) => entry.role === 'usage_charge');
      return tenantEntry !== undefined && tenantEntry.balanceAfter < 0n;
    }).length;
    const chargedMicro = tenants.reduce((total, tenant) => total + tenant.chargeMicro, 0n);
    if (tenantsInArrears > 0) this.logger.warn(`${tenantsInArrears} account(s) below zero after settling ${source.kind} usage of ${period.start.toISOString()}`);
    return {
      source: source.kind,
      periodStart: period.start,
      periodEnd: period.end,
      lines: fresh.length,
      transactions: results.length,
      chargedMicro,
      tenantsInArrears,
    };
  }
}
