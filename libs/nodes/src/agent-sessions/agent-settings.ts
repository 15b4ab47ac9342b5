import type { NodesConfig } from '@statemesh/config';

export interface AgentSettings {
  heartbeatIntervalSeconds: number;
  unreachableAfterSeconds: number;
  proofIntervalSeconds: number;
  vdfIterations: number;
  epochSeconds: number;
}

/**
 * What agents pace themselves by. Four heartbeats fit in the unreachable
 * window, so one or two lost ones never make a node unreachable.
 */
export function agentSettings(config: NodesConfig): AgentSettings {
  return {
    heartbeatIntervalSeconds: Math.max(0.2, config.unreachableAfterSeconds / 4),
    unreachableAfterSeconds: config.unreachableAfterSeconds,
    proofIntervalSeconds: config.proofIntervalSeconds,
    vdfIterations: config.vdfIterations,
    epochSeconds: config.epochSeconds,
  };
}
