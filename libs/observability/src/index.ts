export * from './logging/logger';
export * from './logging/pino-nest-logger';
export * from './metrics/metrics.service';
export * from './health/health.service';
export * from './observability.module';
