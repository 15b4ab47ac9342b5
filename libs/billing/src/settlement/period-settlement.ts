import { splitCharge } from './fee-split';
import { chargeFor } from './metering';
import type { Posting, ResourceType } from './settlement-plan';

/**
 * Settlement of one period for many resources at once: what each resource is
 * charged (its settlement line, made of parts) and, per tenant, the one
 * balanced ledger transaction that moves the money — the tenant pays the sum
 * of its lines, each node operator gets its share of the parts its nodes
 * served, the platform gets the fees and every platform-run part.
 */

export const USAGE_COMPONENTS = ['compute', 'public_udp_ports', 'storage'] as const;
export type UsageComponent = (typeof USAGE_COMPONENTS)[number];

/** One priced piece of a resource's usage in a period. */
export interface UsagePart {
  component: UsageComponent;
  /** The node that served it; null for platform-run parts. */
  nodeId: string | null;
  /** The node's operator; null for platform-run parts (the whole charge is platform revenue). */
  operatorAccountId: string | null;
  seconds: number;
  /** Units billed for those seconds: 1 for compute, the number of ports, a volume's GiB. */
  quantity: number;
  /** Price per unit-hour in effect for the period, in micro-units. */
  pricePerHourMicro: bigint;
}

/** What one resource used in one period. */
export interface ResourcePeriodUsage {
  resourceKind: ResourceType;
  resourceId: string;
  tenantAccountId: string;
  /** Billable seconds of the resource itself (a VM: running on a reachable node). */
  seconds: number;
  parts: UsagePart[];
}

export interface PlannedPart extends UsagePart {
  chargeMicro: bigint;
  operatorShareMicro: bigint;
  platformFeeMicro: bigint;
}

/** A settlement line: one resource, one period. */
export interface PlannedLine extends Omit<ResourcePeriodUsage, 'parts'> {
  chargeMicro: bigint;
  parts: PlannedPart[];
}

/** One tenant's ledger transaction for a period: postings that sum to zero, none of them zero. */
export interface TenantSettlement {
  tenantAccountId: string;
  chargeMicro: bigint;
  postings: Posting[];
  /** How many lines (resources) the transaction settles. */
  lineCount: number;
}

/**
 * Prices every part — the charge for seconds × quantity at the hourly price,
 * rounded half up to the micro-unit (`chargeFor`), split between operator and
 * platform (`splitCharge`) — and sums them per resource. Parts with no seconds
 * are dropped, and resources left with no part at all: they used nothing.
 * A resource that used time at a zero price keeps a line that charges nothing.
 */
export function planPeriodSettlement(usages: readonly ResourcePeriodUsage[], feeBps: number, periodSeconds: number): PlannedLine[] {
  splitCharge(0n, feeBps); // refuses a bad fee even when nothing has an operator
  if (!Number.isInteger(periodSeconds) || periodSeconds <= 0) throw new RangeError('periodSeconds must be a positive integer');
  const seen = new Set<string>();
  const lines: PlannedLine[] = [];
  for (const usage of usages) {
    const key = `${usage.resourceKind}/${usage.resourceId}`;
    if (seen.has(key)) throw new RangeError(`${key} is listed twice`);
    seen.add(key);
    checkSeconds(usage.seconds, periodSeconds, `${key} seconds`);
    const computeSeconds = usage.parts.filter((part) => part.component === 'compute').reduce((total, part) => total + part.seconds, 0);
    if (computeSeconds > periodSeconds) throw new RangeError(`${key} computes for more than the period`);

    const parts: PlannedPart[] = [];
    for (const part of usage.parts) {
      checkSeconds(part.seconds, periodSeconds, `${key} part seconds`);
      if (!Number.isSafeInteger(part.quantity) || part.quantity < 1) throw new RangeError(`${key} part quantity must be a positive integer`);
      if (part.pricePerHourMicro < 0n) throw new RangeError(`${key} part price must not be negative`);
      if ((part.nodeId === null) !== (part.operatorAccountId === null)) throw new RangeError(`${key} part names a node without an operator or the reverse`);
      if (part.seconds === 0) continue;
      const chargeMicro = chargeFor(part.seconds * part.quantity, part.pricePerHourMicro);
      const { operatorShare, platformFee } =
        part.operatorAccountId === null ? { operatorShare: 0n, platformFee: chargeMicro } : splitCharge(chargeMicro, feeBps);
      parts.push({ ...part, chargeMicro, operatorShareMicro: operatorShare, platformFeeMicro: platformFee });
    }
    if (parts.length === 0) continue;
    const chargeMicro = parts.reduce((total, part) => total + part.chargeMicro, 0n);
    lines.push({
      resourceKind: usage.resourceKind,
      resourceId: usage.resourceId,
      tenantAccountId: usage.tenantAccountId,
      seconds: usage.seconds,
      chargeMicro,
      parts,
    });
  }
  return lines;
}

/**
 * One transaction per tenant that was charged something, in tenant id order:
 * the tenant −charge, each operator +share (in account id order, a tenant
 * running on its own nodes included), platform revenue +fees.
 */
export function tenantSettlements(lines: readonly PlannedLine[]): TenantSettlement[] {
  const byTenant = new Map<string, { charge: bigint; shares: Map<string, bigint>; fees: bigint; lines: number }>();
  for (const line of lines) {
    if (line.chargeMicro === 0n) continue;
    let tenant = byTenant.get(line.tenantAccountId);
    if (!tenant) byTenant.set(line.tenantAccountId, (tenant = { charge: 0n, shares: new Map(), fees: 0n, lines: 0 }));
    tenant.charge += line.chargeMicro;
    tenant.lines += 1;
    for (const part of line.parts) {
      tenant.fees += part.platformFeeMicro;
      if (part.operatorAccountId !== null && part.operatorShareMicro > 0n) {
        tenant.shares.set(part.operatorAccountId, (tenant.shares.get(part.operatorAccountId) ?? 0n) + part.operatorShareMicro);
      }
    }
  }
  return [...byTenant.entries()]
    .sort(([a], [b]) => compare(a, b))
    .map(([tenantAccountId, tenant]) => {
      const postings: Posting[] = [{ account: { kind: 'wallet', accountId: tenantAccountId }, amountMicro: -tenant.charge, role: 'usage_charge' }];
      for (const [operator, share] of [...tenant.shares.entries()].sort(([a], [b]) => compare(a, b))) {
        postings.push({ account: { kind: 'wallet', accountId: operator }, amountMicro: share, role: 'operator_earning' });
      }
      if (tenant.fees > 0n) postings.push({ account: { kind: 'platform_revenue' }, amountMicro: tenant.fees, role: 'platform_fee' });
      return { tenantAccountId, chargeMicro: tenant.charge, postings, lineCount: tenant.lines };
    });
}

function checkSeconds(seconds: number, periodSeconds: number, what: string): void {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > periodSeconds) {
    throw new RangeError(`${what} must be between 0 and ${periodSeconds} whole seconds`);
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
