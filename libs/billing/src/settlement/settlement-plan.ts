import { SECONDS_PER_HOUR } from '../hour-window';
import { splitCharge } from './fee-split';
import { chargeFor } from './metering';

export type ResourceType = 'vm' | 'volume';

/**
 * What one resource used during one settled hour. A resource that moved
 * between nodes of different operators within the hour has one usage per
 * operator, whose seconds together stay within the hour.
 */
export interface ResourceHourUsage {
  resourceId: string;
  resourceType: ResourceType;
  tenantAccountId: string;
  /** The account operating the node that served it; null for platform-run resources (e.g. `statemesh` volumes). */
  operatorAccountId: string | null;
  seconds: number;
  pricePerHourMicro: bigint;
}

export type LedgerAccount = { kind: 'wallet'; accountId: string } | { kind: 'platform_revenue' };

export type PostingRole = 'usage_charge' | 'operator_earning' | 'platform_fee';

export interface Posting {
  account: LedgerAccount;
  /** Signed: negative debits the account, positive credits it. */
  amountMicro: bigint;
  role: PostingRole;
}

/** One balanced ledger transaction: the settlement of one usage. */
export interface ResourceHourSettlement {
  usage: ResourceHourUsage;
  chargeMicro: bigint;
  operatorShareMicro: bigint;
  platformFeeMicro: bigint;
  /** Sum to zero; amounts that round to nothing are left out. */
  postings: Posting[];
}

/**
 * The double-entry postings that settle an hour of usage: the tenant's wallet
 * is debited the charge, the operator's wallet credited its share and platform
 * revenue the fee. With no operator, the whole charge is platform revenue.
 * Usages that cost nothing are left out of the plan: they move no money.
 */
export function planSettlement(usages: readonly ResourceHourUsage[], feeBps: number): ResourceHourSettlement[] {
  checkUsages(usages);
  splitCharge(0n, feeBps); // refuses a bad fee even when no usage has an operator
  const plan: ResourceHourSettlement[] = [];
  for (const usage of usages) {
    const chargeMicro = chargeFor(usage.seconds, usage.pricePerHourMicro);
    if (chargeMicro === 0n) continue;
    const { operatorShare, platformFee } =
      usage.operatorAccountId === null
        ? { operatorShare: 0n, platformFee: chargeMicro }
        : splitCharge(chargeMicro, feeBps);

    const postings: Posting[] = [
      {
        account: { kind: 'wallet', accountId: usage.tenantAccountId },
        amountMicro: -chargeMicro,
        role: 'usage_charge',
      },
    ];
    if (operatorShare > 0n && usage.operatorAccountId !== null) {
      postings.push({
        account: { kind: 'wallet', accountId: usage.operatorAccountId },
        amountMicro: operatorShare,
        role: 'operator_earning',
      });
    }
    if (platformFee > 0n) {
      postings.push({ account: { kind: 'platform_revenue' }, amountMicro: platformFee, role: 'platform_fee' });
    }
    plan.push({ usage, chargeMicro, operatorShareMicro: operatorShare, platformFeeMicro: platformFee, postings });
  }
  return plan;
}

// A plan is written as one batch, keyed by resource and hour for idempotency;
// a duplicate or an overfull hour means the input is wrong, not the money.
function checkUsages(usages: readonly ResourceHourUsage[]): void {
  const secondsByResource = new Map<string, number>();
  const seen = new Set<string>();
  for (const usage of usages) {
    if (!Number.isInteger(usage.seconds) || usage.seconds < 0 || usage.seconds > SECONDS_PER_HOUR) {
      throw new RangeError(`usage of ${usage.resourceId} must be between 0 and ${SECONDS_PER_HOUR} whole seconds`);
    }
    const key = JSON.stringify([usage.resourceType, usage.resourceId, usage.operatorAccountId]);
    if (seen.has(key)) throw new RangeError(`usage of ${usage.resourceId} is listed twice for the same operator`);
    seen.add(key);
    const resource = JSON.stringify([usage.resourceType, usage.resourceId]);
    const total = (secondsByResource.get(resource) ?? 0) + usage.seconds;
    if (total > SECONDS_PER_HOUR) throw new RangeError(`usage of ${usage.resourceId} adds up to more than an hour`);
    secondsByResource.set(resource, total);
  }
}

/** Sum of a set of postings; zero for every settlement in a plan. */
export function sumPostings(postings: readonly Posting[]): bigint {
  return postings.reduce((total, posting) => total + posting.amountMicro, 0n);
}
