import type { AdvisoryLock } from '@statemesh/database';

/**
 * Serialises the quota checks of one account's VM creations: held from
 * before the check until the VM is committed, so that two concurrent creates
 * cannot both fit into the last free slot.
 */
export function accountQuotaLock(accountId: string): AdvisoryLock {
  return { key: `quota:${accountId}`, mode: 'exclusive' };
}
