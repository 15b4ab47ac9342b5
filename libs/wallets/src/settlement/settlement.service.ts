import { Injectable, Logger } from '@nestjs/common';
import { closedPeriodsSince, initialSettledUntil, planPeriodSettlement, type SettlementPeriod } from '@statemesh/billing';
import { newId } from '@statemesh/common';
import { AppConfig } from '@statemesh/config';
import { TransactionRunner, type Prisma } from '@statemesh/database';
import { LedgerService } from '../ledger/ledger.service';
import { PricingService } from '../pricing/pricing.service';
import { SettlementRepository } from './settlement.repository';
import { PhaseTimer, type PhaseTimes, type StepClock } from './phase-timer';
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
  /** Wall-clock time of each step of the period's settlement, commit included. */
  phases: PhaseTimes;
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

  private async settleNextPeriod(source: UsageSource, now: Date): Promise<PeriodOutcome | 'busy' | 'caught_up'> {
    const timer = new PhaseTimer();
    const outcome = await this.transactions.run(
      async (tx) => {
        const settledUntil = await this.settlement.lockCursor(source.kind, tx);
        timer.mark('lock cursor');
        if (settledUntil === null) return 'busy';
        const [period] = closedPeriodsSince(settledUntil, now, this.config.settlement.periodSeconds, 1);
        if (!period) return 'caught_up';
        const outcome = await this.settlePeriod(source, period, tx, timer);
        await this.settlement.advanceCursor(source.kind, period.end, tx);
        timer.mark('advance cursor');
        return outcome;
      },
      { timeoutMs: 10 * 60_000 },
    );
    if (typeof outcome === 'string') return outcome;
    timer.mark('commit');
    return { ...outcome, phases: timer.phases() };
  }

  private async settlePeriod(source: UsageSource, period: SettlementPeriod, tx: Prisma.TransactionClient, timer: StepClock): Promise<Omit<PeriodOutcome, 'phases'>> {
    const prices = await this.pricing.priceListAt(period.start);
    if (!prices) this.logger.warn(`no price list in effect at ${period.start.toISOString()}: ${source.kind} usage of that period is recorded at no charge`);
    const periodSeconds = Math.round((period.end.getTime() - period.start.getTime()) / 1000);
    const usagePrices = prices ?? { instanceTypePerHour: new Map(), publicUdpPortPerHour: 0n };
    const feeBps = prices?.platformFeeBps ?? 0;
    await this.settlement.createWorkspace(periodSeconds, feeBps, tx);
    await this.ledger.createStaging(tx);
    timer.mark('price list, workspace');

    if (source.stage) {
      await source.stage(period, usagePrices, tx);
    } else {
      const usages = await source.meter(period, usagePrices, tx);
      planPeriodSettlement(usages, feeBps, periodSeconds); // refuses usage the plan would refuse
      await this.settlement.stageUsages(usages, tx);
    }
    timer.mark('meter and price usage (sql)');
    const settled = await this.settlement.discardSettled(period.start, tx);
    if (settled > 0) this.logger.warn(`${settled} ${source.kind} line(s) of ${period.start.toISOString()} were already settled; not charged again`);
    timer.mark('skip lines already settled');
    const lines = await this.settlement.planLines(newId().slice(0, 9), tx);
    timer.mark('plan lines (sql)');
    await this.settlement.insertLines(period.start, period.end, tx);
    timer.mark('insert lines');
    await this.settlement.insertParts(period.start, tx);
    timer.mark('insert line parts');

    const staged = await this.settlement.stageTenantSettlements(source.kind, period, new Date(), tx);
    timer.mark('plan ledger transactions (sql)');
    const posted = await this.ledger.postStaged(tx, timer);
    const tenantsInArrears = posted.belowZeroByRole.get('usage_charge') ?? 0;
    if (tenantsInArrears > 0) this.logger.warn(`${tenantsInArrears} account(s) below zero after settling ${source.kind} usage of ${period.start.toISOString()}`);
    return {
      source: source.kind,
      periodStart: period.start,
      periodEnd: period.end,
      lines,
      transactions: staged.transactions,
      chargedMicro: staged.chargedMicro,
      tenantsInArrears,
    };
  }
}
