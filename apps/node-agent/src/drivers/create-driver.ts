import type { AgentCliOptions } from '../agent-options';
import type { HypervisorDriver } from './hypervisor-driver';
import { SimulatorDriver } from './simulator-driver';

/** The hypervisor driver named on the command line. See docs/node-agent.md for writing another. */
export function createDriver(options: Pick<AgentCliOptions, 'driver' | 'simulator'>): HypervisorDriver {
  switch (options.driver) {
    case 'simulator':
      return new SimulatorDriver({
        bootDelayMs: options.simulator.bootDelayMs,
        faults: { bootFailureRate: options.simulator.bootFailureRate, crashRatePerSecond: options.simulator.crashRatePerSecond },
      });
    default:
      throw new Error(`unknown driver ${String(options.driver)}`);
  }
}
