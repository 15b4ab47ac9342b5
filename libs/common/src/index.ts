export * from './ids';
export * from './project-root';
