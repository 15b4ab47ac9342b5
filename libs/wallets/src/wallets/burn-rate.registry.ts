import { Injectable, Logger } from '@nestjs/common';
import type { Db } from '@statemesh/database';

/**
 * What an account's running resources of one kind cost per hour at current
 * prices, in micro-units. Compute (VMs, public ports and addresses) and
 * storage (volumes) each provide one and register it at start-up:
 *
 *     constructor(registry: BurnRateRegistry) {}
 *     onModuleInit() { this.registry.register(this); }
 *
 * The wallet's burn rate is the sum over all sources.
 */
export interface BurnRateSource {
  readonly name: string;
  /** What each account's resources of this kind cost per hour now (read in `db` when given); every account given has an entry. */
  hourlyCosts(accountIds: readonly string[], db?: Db): Promise<Map<string, bigint>>;
}

@Injectable()
export class BurnRateRegistry {
  private readonly logger = new Logger(BurnRateRegistry.name);
  private readonly sources: BurnRateSource[] = [];

  register(source: BurnRateSource): void {
    if (!this.sources.includes(source)) this.sources.push(source);
  }

  /** Sum of every source's hourly cost; "0" until a source is registered. */
  async hourlyCost(accountId: string): Promise<bigint> {
    return (await this.hourlyCosts([accountId])).get(accountId)!;
  }

  /** `hourlyCost` of many accounts, each source asked once (in `db` when given); every account given has an entry. */
  async hourlyCosts(accountIds: readonly string[], db?: Db): Promise<Map<string, bigint>> {
    // One statement at a time in a transaction; side by side outside one.
    const perSource: Array<Map<string, bigint>> = [];
    if (db) for (const source of this.sources) perSource.push(await source.hourlyCosts(accountIds, db));
    else perSource.push(...(await Promise.all(this.sources.map((source) => source.hourlyCosts(accountIds)))));
    const totals = new Map<string, bigint>(accountIds.map((id) => [id, 0n]));
    perSource.forEach((costs, index) => {
      for (const accountId of totals.keys()) {
        const cost = costs.get(accountId) ?? 0n;
        if (cost < 0n) {
          this.logger.warn(`burn rate source ${this.sources[index].name} reported a negative cost for ${accountId}; ignored`);
          continue;
        }
        totals.set(accountId, totals.get(accountId)! + cost);
      }
    });
    return totals;
  }
}
