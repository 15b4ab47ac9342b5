import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { formatMicroUnits } from '@statemesh/billing';
import { AppConfig } from '@statemesh/config';
import { ProcessorRegistry, QueueRegistry } from '@statemesh/queue';
import { VmLifecycleService } from '@statemesh/compute';
import { ArrearsService, SettlementService } from '@statemesh/wallets';

/** How often settlement looks for closed periods: several times per period, so a period is settled soon after it ends. */
export function settlementIntervalMs(periodSeconds: number): number {
  return Math.max(1_000, Math.floor((periodSeconds * 1_000) / 6));
}

/**
 * Hourly settlement in the worker: one shared schedule runs the job a few
 * times per period. Each run settles whatever periods have closed, oldest
 * first; running it twice, or on several workers at once, settles nothing twice.
 */
@Injectable()
export class SettlementProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(SettlementProcessor.name);

  constructor(
    private readonly processors: ProcessorRegistry,
    private readonly queues: QueueRegistry,
    private readonly settlement: SettlementService,
    private readonly arrears: ArrearsService,
    private readonly lifecycle: VmLifecycleService,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.processors.register(
      'settlement',
      {
        'settlement.settle-due-hours': async () => {
          await this.run();
        },
      },
      { concurrency: 1 },
    );
    await this.queues.upsertRepeatingJob('settlement.settle-due-hours', {}, settlementIntervalMs(this.config.settlement.periodSeconds));
  }

  async run(now: Date = new Date()): Promise<void> {
    const { settled } = await this.settlement.settleDuePeriods(now);
    for (const period of settled) {
      this.logger.log(
        `settled ${period.source} usage of ${period.periodStart.toISOString()}: ${period.lines} line(s), ${period.transactions} transaction(s), ` +
          `${formatMicroUnits(period.chargedMicro)} micro-units charged, ${period.tenantsInArrears} account(s) below zero`,
      );
    }
    // Accounts that stayed unable to pay for longer than WALLET_GRACE_HOURS: their VMs are suspended (data kept).
    for (const accountId of await this.arrears.accountsPastGrace(now)) {
      const suspended = await this.lifecycle.suspendForWallet(accountId);
      if (suspended > 0) this.logger.log(`suspended ${suspended} VM(s) of account ${accountId}: wallet in arrears past the grace period`);
    }
  }
}
