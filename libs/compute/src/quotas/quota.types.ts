/** An account's limits on live VMs. */
export interface QuotaLimits {
  maxVms: number;
  maxVcpu: number;
  maxMemoryMib: number;
}

/** What an account's live VMs hold. */
export interface QuotaUsage {
  vms: number;
  vcpu: number;
  memoryMib: number;
}
