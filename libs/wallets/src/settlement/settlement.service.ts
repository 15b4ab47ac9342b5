import { Injectable, Logger } from '@nestjs/common';
import { closedPeriodsSince, initialSettledUntil, planPeriodSettlement, type SettlementPeriod } from '@statemesh/billing';
import { newId, PhaseTimer, type PhaseTimes, type StepClock } from '@statemesh/common';
import { AppConfig } from '@statemesh/config';
import { TransactionRunner, type Db, type Prisma } from '@statemesh/database';
import { LedgerService } from '../ledger/ledger.service';
import { PricingService } from '../pricing/pricing.service';
import { SettlementRepository } from './settlement.repository';
import { tenantShards } from './tenant-shard';
import { ALL_TENANTS, type PeriodPrices, type TenantShard, type UsageSource } from './usage-source';
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
  /** Tenant shards the period was settled in, each its own database transaction, all at once. */
  shards: number;
  /** Time of each step of the period's settlement, commit included, summed over its shards. */
  phases: PhaseTimes;
}

export interface SettlementRun {
  settled: PeriodOutcome[];
  /** Sources another worker was settling at the time: left to it. */
  busy: string[];
}

type ShardOutcome = Omit<PeriodOutcome, 'shards' | 'phases'>;

/** What a period is charged at: usage prices and the platform fee, in basis points. */
interface PeriodPricing {
  usage: PeriodPrices;
  feeBps: number;
}

/** The longest a period (or one of its shards) may take to settle. */
const PERIOD_TIMEOUT_MS = 10 * 60_000;

/**
 * Hourly settlement: every closed period of every usage source is metered,
 * priced with the price list in effect at its start and charged — oldest
 * first. A period's cursor row is locked while it is settled, so concurrent
 * workers never settle the same source at once; its tenants are split into
 * shards (`SETTLEMENT_PARALLELISM`) settled concurrently, each in one
 * database transaction that writes its settlement lines (unique per resource
 * and period) and one ledger transaction per tenant; the cursor advances
 * once every shard has committed. A crash rolls back the shards that had not
 * committed and leaves the cursor where it was: the next run settles the
 * period again and the unique lines skip what was already settled, so
 * nothing is charged twice and nothing is missed.
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
    return this.transactions.run(
      async (tx) => {
        const settledUntil = await this.settlement.lockCursor(source.kind, tx);
        if (settledUntil === null) return 'busy';
        const [period] = closedPeriodsSince(settledUntil, now, this.config.settlement.periodSeconds, 1);
        if (!period) return 'caught_up';
        const prices = await this.pricesOf(source, period, tx);
        const shards = this.shardCountFor(source);
        const outcome = shards === 1 ? await this.settleInline(source, period, prices, tx) : await this.settleShards(source, period, prices, shards);
        await this.settlement.advanceCursor(source.kind, period.end, tx);
        return outcome;
      },
      { timeoutMs: PERIOD_TIMEOUT_MS },
    );
  }

  /**
   * How many shards a period of this source is split into: each needs a
   * connection of its own besides the one holding the cursor. Sources that
   * meter in TypeScript are settled whole.
   */
  private shardCountFor(source: UsageSource): number {
    if (!source.stage) return 1;
    return Math.max(1, Math.min(this.config.settlement.parallelism, this.config.database.poolSize - 1));
  }

  /** The price list in effect at the period's start, read once for all its shards (nothing charged without one). */
  private async pricesOf(source: UsageSource, period: SettlementPeriod, tx: Db): Promise<PeriodPricing> {
    const prices = await this.pricing.priceListAt(period.start, tx);
    if (!prices) {
      this.logger.warn(`no price list in effect at ${period.start.toISOString()}: ${source.kind} usage of that period is recorded at no charge`);
      return { usage: { instanceTypePerHour: new Map(), publicUdpPortPerHour: 0n, volumePerGibHour: {} }, feeBps: 0 };
    }
    return { usage: prices, feeBps: prices.platformFeeBps };
  }

  /** One shard of every tenant, inside the transaction holding the cursor. */
  private async settleInline(source: UsageSource, period: SettlementPeriod, prices: PeriodPricing, tx: Prisma.TransactionClient): Promise<PeriodOutcome> {
    const timer = new PhaseTimer();
    const outcome = await this.settleShard(source, period, prices, ALL_TENANTS, tx, timer);
    return { ...outcome, shards: 1, phases: timer.phases() };
  }

  /**
   * The shards at once, each in its own transaction. Every shard is awaited
   * before a failure is passed on, so none is still writing when the
   * caller's transaction (and with it the cursor) rolls back.
   */
  private async settleShards(source: UsageSource, period: SettlementPeriod, prices: PeriodPricing, count: number): Promise<PeriodOutcome> {
    const shards = tenantShards(count);
    const timers = shards.map(() => new PhaseTimer());
    const results = await Promise.allSettled(
      shards.map(async (shard) => {
        const timer = timers[shard.index];
        const outcome = await this.transactions.run((tx) => this.settleShard(source, period, prices, shard, tx, timer), { timeoutMs: PERIOD_TIMEOUT_MS });
        timer.mark('commit');
        return outcome;
      }),
    );
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    const outcomes = results.map((result) => (result as PromiseFulfilledResult<ShardOutcome>).value);
    return {
      source: source.kind,
      periodStart: period.start,
      periodEnd: period.end,
      lines: sum(outcomes.map((outcome) => outcome.lines)),
      transactions: sum(outcomes.map((outcome) => outcome.transactions)),
      chargedMicro: outcomes.reduce((total, outcome) => total + outcome.chargedMicro, 0n),
      tenantsInArrears: sum(outcomes.map((outcome) => outcome.tenantsInArrears)),
      shards: count,
      phases: sumPhases(timers.map((timer) => timer.phases())),
    };
  }

  private async settleShard(source: UsageSource, period: SettlementPeriod, prices: PeriodPricing, shard: TenantShard, tx: Prisma.TransactionClient, timer: StepClock): Promise<ShardOutcome> {
    const periodSeconds = Math.round((period.end.getTime() - period.start.getTime()) / 1000);
    await this.settlement.createWorkspace(periodSeconds, prices.feeBps, tx);
    await this.ledger.createStaging(tx);
    timer.mark('workspace');

    if (source.stage) {
      await source.stage(period, prices.usage, shard, tx);
    } else {
      const usages = await source.meter(period, prices.usage, tx);
      planPeriodSettlement(usages, prices.feeBps, periodSeconds); // refuses usage the plan would refuse
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

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** Each step's time added up over the shards, steps in the order they first ran. */
function sumPhases(perShard: PhaseTimes[]): PhaseTimes {
  const totals = new Map<string, number>();
  for (const phases of perShard) for (const { phase, ms } of phases) totals.set(phase, (totals.get(phase) ?? 0) + ms);
  return [...totals.entries()].map(([phase, ms]) => ({ phase, ms }));
}
