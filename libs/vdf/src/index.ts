export * from './group-element';
export * from './rsa-2048';
export * from './vdf.errors';
