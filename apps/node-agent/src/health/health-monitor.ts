import type { VmHealthCheckSpec } from '@statemesh/agent-protocol';
import type { HypervisorDriver, VmInfo } from '../drivers/hypervisor-driver';

interface Tracked {
  check: VmHealthCheckSpec;
  lastCheckAt: number;
  failures: number;
  /** What was last reported while the VM ran; undefined: nothing since it (re)started. */
  reported?: boolean;
  /** The `since` of the running state the verdict belongs to. */
  runningSince?: number;
}

export interface HealthVerdict {
  vmId: string;
  healthy: boolean;
  info: VmInfo;
}

/**
 * Runs each VM's health check while it runs, every `intervalSeconds`. The
 * first passing check after a (re)start reports healthy (a VM with a check
 * is not routed before); `unhealthyThreshold` failures in a row report
 * unhealthy. Only changes are reported, once per run of the VM.
 */
export class HealthMonitor {
  private readonly tracked = new Map<string, Tracked>();

  constructor(private readonly driver: HypervisorDriver) {}

  watch(vmId: string, check: VmHealthCheckSpec | undefined): void {
    if (!check) return;
    this.tracked.set(vmId, { check, lastCheckAt: 0, failures: 0 });
  }

  forget(vmId: string): void {
    this.tracked.delete(vmId);
  }

  /** One round: checks that are due, and the verdicts to report. */
  async round(now: number = Date.now()): Promise<HealthVerdict[]> {
    if (this.tracked.size === 0 || !this.driver.checkHealth) return [];
    const verdicts: HealthVerdict[] = [];
    const vms = new Map((await this.driver.listVms()).map((vm) => [vm.vmId, vm]));
    for (const [vmId, tracked] of this.tracked) {
      const vm = vms.get(vmId);
      if (!vm) {
        this.tracked.delete(vmId);
        continue;
      }
      if (vm.state !== 'running') {
        tracked.reported = undefined;
        tracked.failures = 0;
        tracked.runningSince = undefined;
        continue;
      }
      if (tracked.runningSince !== vm.since.getTime()) {
        tracked.runningSince = vm.since.getTime();
        tracked.reported = undefined;
        tracked.failures = 0;
      }
      if (now - tracked.lastCheckAt < tracked.check.intervalSeconds * 1000) continue;
      tracked.lastCheckAt = now;
      const passed = await this.driver.checkHealth(vmId, tracked.check).catch(() => false);
      tracked.failures = passed ? 0 : tracked.failures + 1;
      const verdict = passed ? true : tracked.failures >= tracked.check.unhealthyThreshold ? false : undefined;
      if (verdict === undefined || verdict === tracked.reported) continue;
      tracked.reported = verdict;
      verdicts.push({ vmId, healthy: verdict, info: vm });
    }
    return verdicts;
  }
}
