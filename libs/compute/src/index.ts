export * from './compute.errors';
export * from './placement/placement.types';
export * from './placement/placement-explanation';
export * from './placement/scheduler';
export * from './lifecycle/vm-lifecycle.types';
export * from './lifecycle/vm-state-machine';
export * from './entrypoints/entrypoint-name';
export * from './entrypoints/udp-port-pool';
