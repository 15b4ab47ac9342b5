// The reference node agent as a library: embedders (the quick-start stack,
// tests) start agents and simulated fleets in-process.
export * from './agent-logger';
export * from './node-agent';
export * from './node-identity';
export * from './enrollment';
export * from './drivers/hypervisor-driver';
export * from './drivers/simulator-driver';
export * from './fleet/simulated-fleet';
export * from './proving/prover';
export * from './proving/worker-prover';
export * from './session-refused.error';
export * from './api/api-errors';
