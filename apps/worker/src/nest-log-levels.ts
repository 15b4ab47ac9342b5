import type { LogLevel as NestLogLevel } from '@nestjs/common';
import type { LogLevel } from '@statemesh/config';

const BY_SEVERITY: NestLogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
const ENABLED_COUNT: Record<LogLevel, number> = { silent: 0, fatal: 1, error: 2, warn: 3, info: 4, debug: 5, trace: 6 };

/** Nest's levels enabled by a configured LOG_LEVEL (pino's names: `info` is Nest's `log`). */
export function nestLogLevels(level: LogLevel): NestLogLevel[] {
  return BY_SEVERITY.slice(0, ENABLED_COUNT[level]);
}
