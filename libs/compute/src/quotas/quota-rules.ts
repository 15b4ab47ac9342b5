import type { FieldError } from '@statemesh/common';
import type { QuotaLimits, QuotaUsage } from './quota.types';

// Pure: no Nest, no Prisma.

/** The largest limits an admin may set (the same bounds as the configured defaults). */
export const QUOTA_CEILINGS: QuotaLimits = { maxVms: 1_000_000, maxVcpu: 10_000_000, maxMemoryMib: 2 ** 31 - 1 };

export function quotaProblems(limits: QuotaLimits): FieldError[] {
  return (Object.keys(QUOTA_CEILINGS) as Array<keyof QuotaLimits>)
    .filter((field) => !Number.isInteger(limits[field]) || limits[field] < 0 || limits[field] > QUOTA_CEILINGS[field])
    .map((field) => ({ field, code: 'out_of_range', message: `${field} must be an integer from 0 to ${QUOTA_CEILINGS[field]}.` }));
}

/**
 * The limits `request` would break if added to `usage`, as field errors
 * naming the limit (`maxVms`, `maxVcpu`, `maxMemoryMib`); empty when it fits.
 */
export function quotaExcess(limits: QuotaLimits, usage: QuotaUsage, request: QuotaUsage): FieldError[] {
  const checks: Array<[keyof QuotaLimits, keyof QuotaUsage, string]> = [
    ['maxVms', 'vms', 'VMs'],
    ['maxVcpu', 'vcpu', 'vCPU'],
    ['maxMemoryMib', 'memoryMib', 'MiB of memory'],
  ];
  return checks
    .filter(([limit, used]) => usage[used] + request[used] > limits[limit])
    .map(([limit, used, unit]) => ({
      field: limit,
      code: 'quota_exceeded',
      message: `The account may have ${limits[limit]} ${unit} in live VMs; ${usage[used]} are in use and this needs ${request[used]} more.`,
    }));
}
