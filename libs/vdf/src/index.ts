export * from './group-element';
export * from './hash-to-prime';
export * from './primality';
export * from './proof-chain';
export * from './proving-time';
export * from './rsa-2048';
export * from './vdf.errors';
export * from './wesolowski';
