export * from './ids';
export * from './project-root';
export * from './errors/domain-error';
export * from './errors/common.errors';
export * from './phase-timer';
export * from './batcher';
export * from './service-node-flags';
