export * from './hour-window';
export * from './money/micro-units';
export * from './settlement/fee-split';
export * from './settlement/metering';
export * from './settlement/settlement-plan';
