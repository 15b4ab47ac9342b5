import { Injectable } from '@nestjs/common';
import { unreachableRanges, vmPeriodUsage, type ResourcePeriodUsage, type SettlementPeriod, type TimeRange } from '@statemesh/billing';
import type { Prisma } from '@statemesh/database';
import type { PeriodPrices, TenantShard, UsageSource } from './usage-source';
import { VmUsageRepository } from './vm-usage.repository';

/** VMs: running time per node (minus unreachable time) and public UDP ports while they exist. */
@Injectable()
export class VmUsageSource implements UsageSource {
  readonly kind = 'vm' as const;

  constructor(private readonly usage: VmUsageRepository) {}

  earliestUsage(): Promise<Date | null> {
    return this.usage.earliestStatusChange();
  }

  /** The reference metering, in TypeScript over each VM's and node's history (`vmPeriodUsage`). */
  async meter(period: SettlementPeriod, prices: PeriodPrices, tx: Prisma.TransactionClient): Promise<ResourcePeriodUsage[]> {
    const nodes = await this.usage.nodesInPeriod(period.start, period.end, tx);
    const operatorOfNode = new Map(nodes.map((node) => [node.nodeId, node.operatorAccountId]));
    const unreachableByNode = new Map<string, TimeRange[]>();
    for (const node of nodes) {
      if (!node.changes.some((change) => change.status === 'unreachable')) continue;
      unreachableByNode.set(node.nodeId, unreachableRanges(node.changes.map((change) => ({ at: change.at, unreachable: change.status === 'unreachable' }))));
    }
    const vms = await this.usage.vmsInPeriod(period.start, period.end, tx);
    return vms.map((vm) => vmPeriodUsage(vm, unreachableByNode, operatorOfNode, prices, period.start, period.end));
  }

  /** The same rules in one SQL statement, for settlement at fleet scale. */
  async stage(period: SettlementPeriod, prices: PeriodPrices, shard: TenantShard, tx: Prisma.TransactionClient): Promise<void> {
    await this.usage.stageUsage(period.start, period.end, prices, shard, tx);
  }
}
