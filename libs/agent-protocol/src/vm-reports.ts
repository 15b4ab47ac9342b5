/**
 * The states a node agent reports for the VMs it runs (heartbeats and VM
 * status reports). They are observations: the control plane's VM state
 * machine decides what they mean (`reportedRunning`, ...).
 */
export const AGENT_VM_STATES = ['provisioning', 'running', 'stopped', 'failed'] as const;

export type AgentVmState = (typeof AGENT_VM_STATES)[number];
