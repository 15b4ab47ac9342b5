import type { ResourcePeriodUsage, UsagePart } from './period-settlement';

/**
 * Metering of one volume over one period from its usage history: every second
 * it existed and was usable, at its size, priced per GiB-hour by provider. A
 * `local` volume's disk is on one node, so its operator is paid for it like
 * compute; `statemesh` and `s3` volumes are the platform's (all revenue).
 */

/** Statuses a volume is billed in: it exists and is usable. Deleting, deleted, lost and error volumes are not. */
export const BILLABLE_VOLUME_STATUSES: readonly string[] = ['creating', 'available', 'attached', 'detaching'];

/** Whether a volume in this state is billed: a billable status, and not deleted. */
export function isVolumeBillable(status: string, deletedAt: Date | null): boolean {
  return BILLABLE_VOLUME_STATUSES.includes(status) && deletedAt === null;
}

/** One recorded state of what a volume is billed for. */
export interface VolumeUsageChange {
  at: Date;
  sizeGib: number;
  /** The node its disk is on (local volumes once bound). */
  nodeId: string | null;
  billable: boolean;
}

/** What settlement knows of one volume for one period. */
export interface VolumePeriodRecord {
  id: string;
  accountId: string;
  /** `statemesh`, `local` or `s3`. */
  provider: string;
  /**
   * Its usage history in recording order: the last change before the period
   * (its state at the start) and every change within it.
   */
  changes: VolumeUsageChange[];
}

/** The price of a GiB-hour by provider, from the price list in effect for the period; a provider missing costs nothing. */
export interface VolumePeriodPrices {
  volumePerGibHour: Readonly<Partial<Record<string, bigint>>>;
}

/**
 * A volume's usage of [start, end): one `storage` part per run of constant
 * size and node (quantity: GiB), in time order, with the seconds the run
 * lasted, at the provider's GiB-hour price.
 *
 * Each change lasts until the next one (the last one is open-ended); times
 * are truncated to whole seconds as for VMs, so a change within the same
 * second as the next lasts nothing, and consecutive periods add up exactly.
 * A run ends where the size or node changes or the volume stops being
 * billable. The node counts only for `local` volumes: that node's operator
 * gets the operator share; an unbound local volume, like `statemesh` and
 * `s3` volumes, is platform revenue. Time on a node that no longer exists
 * (no operator known) is not charged, as for VMs. A size below 1 GiB bills
 * nothing.
 */
export function volumePeriodUsage(
  volume: VolumePeriodRecord,
  operatorOfNode: ReadonlyMap<string, string>,
  prices: VolumePeriodPrices,
  start: Date,
  end: Date,
): ResourcePeriodUsage {
  const startS = wholeSeconds(start, 'start');
  const endS = wholeSeconds(end, 'end');
  if (endS < startS) throw new RangeError('end must not be before start');
  const price = prices.volumePerGibHour[volume.provider] ?? 0n;
  const ordered = volume.changes
    .map((change, index) => ({ change, index, time: wholeSeconds(change.at, 'change time'), ms: change.at.getTime() }))
    .sort((a, b) => a.ms - b.ms || a.index - b.index);

  const parts: UsagePart[] = [];
  let runEnd: number | null = null; // where the last part's time ends, while it can continue
  ordered.forEach(({ change, time }, i) => {
    const next = ordered[i + 1];
    const from = Math.max(time, startS);
    const to = Math.min(next === undefined ? endS : next.time, endS);
    if (!change.billable || change.sizeGib < 1 || to <= from) return;
    const nodeId = volume.provider === 'local' ? change.nodeId : null;
    const operatorAccountId = nodeId === null ? null : operatorOfNode.get(nodeId);
    if (operatorAccountId === undefined) return; // a node that no longer exists: nobody to pay, nothing to charge
    const last = parts[parts.length - 1];
    if (last !== undefined && runEnd === from && last.quantity === change.sizeGib && last.nodeId === nodeId) {
      last.seconds += to - from;
    } else {
      parts.push({ component: 'storage', nodeId, operatorAccountId, seconds: to - from, quantity: change.sizeGib, pricePerHourMicro: price });
    }
    runEnd = to;
  });
  const seconds = parts.reduce((total, part) => total + part.seconds, 0);
  return { resourceKind: 'volume', resourceId: volume.id, tenantAccountId: volume.accountId, seconds, parts };
}

function wholeSeconds(date: Date, name: string): number {
  const time = date instanceof Date ? date.getTime() : NaN;
  if (Number.isNaN(time)) throw new RangeError(`${name} must be a valid Date`);
  return Math.floor(time / 1000);
}
