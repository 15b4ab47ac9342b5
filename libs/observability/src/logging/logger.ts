import pino, { type DestinationStream, type Logger } from 'pino';
import type { AppConfig } from '@statemesh/config';

/**
 * Paths whose values never reach a log line, wherever they appear in a logged
 * object: credentials, tokens, secret values and keys.
 */
export const REDACTED_PATHS = [
  'password',
  'newPassword',
  'token',
  'accessToken',
  'refreshToken',
  'secret',
  'value',
  'authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  '*.password',
  '*.newPassword',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.secret',
  '*.value',
  '*.secretAccessKey',
  '*.accessKeyId',
  '*.privateKey',
  '*.authorization',
];

/** The structured JSON logger of a StateMesh process. */
export function createLogger(config: Pick<AppConfig, 'log'>, name: string, destination?: DestinationStream): Logger {
  return pino(
    {
      name,
      level: config.log.level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
