import type { NodesConfig } from '@statemesh/config';

export interface AgentSettings {
  heartbeatIntervalSeconds: number;
  unreachableAfterSeconds: number;
  /**
   * Self-fencing: an agent that has not reached the API for this long stops
   * every VM of its node. The platform reschedules them elsewhere only after
   * the node has been unreachable for NODE_UNREACHABLE_AFTER_SECONDS plus
   * NODE_LOSS_GRACE_SECONDS, so two copies of a VM never run at once. Never
   * shorter than two heartbeat intervals (half the unreachable window), so a
   * healthy node never fences its own VMs between heartbeats.
   */
  selfFenceAfterSeconds: number;
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
    selfFenceAfterSeconds: Math.max(config.nodeLossGraceSeconds, config.unreachableAfterSeconds / 2),
    proofIntervalSeconds: config.proofIntervalSeconds,
    vdfIterations: config.vdfIterations,
    epochSeconds: config.epochSeconds,
  };
}
