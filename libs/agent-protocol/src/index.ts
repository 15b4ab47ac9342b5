export * from './node-keys';
export * from './session-signing';
export * from './vm-reports';
export * from './assignments';
