import { billableSecondsBetween, type StatusInterval, type TimeRange } from './metering';
import type { ResourcePeriodUsage, UsagePart } from './period-settlement';

/**
 * Metering of one VM over one period from its status history: how long it ran
 * on each node, minus the time that node was unreachable (a VM is not charged
 * for time nobody could vouch for it), and how long it existed (public UDP
 * ports are priced while the VM exists, running or not).
 */

/** One recorded status of a resource, with the node it was on. */
export interface PlacedStatusChange {
  at: Date;
  /** Whether this status is charged for (for a VM: `running`). */
  billable: boolean;
  nodeId: string | null;
}

/** A node's status history reduced to the spans it was unreachable in. */
export interface NodeStatusPoint {
  at: Date;
  unreachable: boolean;
}

/**
 * Billable seconds in [start, end) per node that served the resource. The
 * status in effect at `start` must be among the changes (the last change
 * before the window), or the time before the first change in the window is
 * not billed. A billable status without a node bills nothing: no operator
 * can have served it. Nodes with no billable seconds are left out.
 */
export function billableSecondsByNode(
  changes: readonly PlacedStatusChange[],
  unreachableByNode: ReadonlyMap<string, readonly TimeRange[]>,
  start: Date,
  end: Date,
): Map<string, number> {
  const intervals = placedIntervals(changes);
  const nodes = [...new Set(intervals.filter((i) => i.billable && i.nodeId !== null).map((i) => i.nodeId!))].sort();
  const result = new Map<string, number>();
  for (const node of nodes) {
    const history: StatusInterval[] = intervals.map((i) => ({ from: i.from, to: i.to, billable: i.billable && i.nodeId === node }));
    const seconds = billableSecondsBetween(history, unreachableByNode.get(node) ?? [], start, end);
    if (seconds > 0) result.set(node, seconds);
  }
  return result;
}

/** Whole seconds of [start, end) within [from, to) (`to: null`: still going). */
export function secondsWithin(from: Date, to: Date | null, start: Date, end: Date): number {
  return billableSecondsBetween([{ from, to, billable: true }], [], start, end);
}

/**
 * A node's unreachable spans from its status history: each change lasts until
 * the next, the last one is open-ended. Changes at the same instant keep the
 * last one given.
 */
export function unreachableRanges(history: readonly NodeStatusPoint[]): TimeRange[] {
  const ordered = history.map((point, index) => ({ point, index })).sort((a, b) => a.point.at.getTime() - b.point.at.getTime() || a.index - b.index);
  const ranges: TimeRange[] = [];
  ordered.forEach(({ point }, i) => {
    const next = ordered[i + 1];
    if (next !== undefined && next.point.at.getTime() === point.at.getTime()) return;
    if (point.unreachable) ranges.push({ from: point.at, to: next === undefined ? null : next.point.at });
  });
  return ranges;
}

interface PlacedInterval extends StatusInterval {
  nodeId: string | null;
}

function placedIntervals(changes: readonly PlacedStatusChange[]): PlacedInterval[] {
  const ordered = changes.map((change, index) => ({ change, index })).sort((a, b) => a.change.at.getTime() - b.change.at.getTime() || a.index - b.index);
  const intervals: PlacedInterval[] = [];
  ordered.forEach(({ change }, i) => {
    const next = ordered[i + 1];
    if (next !== undefined && next.change.at.getTime() === change.at.getTime()) return;
    intervals.push({ from: change.at, to: next === undefined ? null : next.change.at, billable: change.billable, nodeId: change.nodeId });
  });
  return intervals;
}

/** What settlement knows of one VM for one period. */
export interface VmPeriodRecord {
  id: string;
  accountId: string;
  instanceType: string;
  createdAt: Date;
  /** When the VM was deleted; null while it exists. */
  deletedAt: Date | null;
  /** Public UDP ports it holds. */
  udpPorts: number;
  /** Its status history: the last change before the period and every change within it. */
  changes: Array<{ at: Date; status: string; nodeId: string | null }>;
}

/** The prices a VM's usage is charged at, from the price list in effect for the period. */
export interface VmPeriodPrices {
  instanceTypePerHour: ReadonlyMap<string, bigint>;
  publicUdpPortPerHour: bigint;
}

/** Statuses a VM is charged for: the time it is actually running. */
export const BILLABLE_VM_STATUSES: readonly string[] = ['running'];

/**
 * A VM's usage of [start, end): compute seconds per node that ran it (at its
 * instance type's price, with that node's operator), and public UDP ports for
 * the seconds it existed (platform revenue: the ports are the platform's
 * gateways). The VM stops existing at `deletedAt` or at its first `deleted`
 * status, whichever comes first.
 */
export function vmPeriodUsage(
  vm: VmPeriodRecord,
  unreachableByNode: ReadonlyMap<string, readonly TimeRange[]>,
  operatorOfNode: ReadonlyMap<string, string>,
  prices: VmPeriodPrices,
  start: Date,
  end: Date,
): ResourcePeriodUsage {
  const changes = vm.changes.map((change) => ({ at: change.at, billable: BILLABLE_VM_STATUSES.includes(change.status), nodeId: change.nodeId }));
  const byNode = billableSecondsByNode(changes, unreachableByNode, start, end);
  const price = prices.instanceTypePerHour.get(vm.instanceType) ?? 0n;
  const parts: UsagePart[] = [];
  let seconds = 0;
  for (const [nodeId, nodeSeconds] of byNode) {
    const operator = operatorOfNode.get(nodeId);
    if (operator === undefined) continue; // a node that no longer exists: nobody to pay, nothing to charge
    seconds += nodeSeconds;
    parts.push({ component: 'compute', nodeId, operatorAccountId: operator, seconds: nodeSeconds, quantity: 1, pricePerHourMicro: price });
  }
  if (vm.udpPorts > 0) {
    const deletedByStatus = vm.changes.filter((change) => change.status === 'deleted').map((change) => change.at.getTime());
    const endings = [...deletedByStatus, ...(vm.deletedAt ? [vm.deletedAt.getTime()] : [])];
    const gone = endings.length ? new Date(Math.min(...endings)) : null;
    const existed = gone !== null && gone < vm.createdAt ? 0 : secondsWithin(vm.createdAt, gone, start, end);
    if (existed > 0) {
      parts.push({ component: 'public_udp_ports', nodeId: null, operatorAccountId: null, seconds: existed, quantity: vm.udpPorts, pricePerHourMicro: prices.publicUdpPortPerHour });
    }
  }
  return { resourceKind: 'vm', resourceId: vm.id, tenantAccountId: vm.accountId, seconds, parts };
}
