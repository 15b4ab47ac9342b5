import { Injectable, Logger } from '@nestjs/common';

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
  hourlyCost(accountId: string): Promise<bigint>;
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
    const costs = await Promise.all(this.sources.map((source) => source.hourlyCost(accountId)));
    return costs.reduce((total, cost, index) => {
      if (cost < 0n) {
        this.logger.warn(`burn rate source ${this.sources[index].name} reported a negative cost for ${accountId}; ignored`);
        return total;
      }
      return total + cost;
    }, 0n);
  }
}
