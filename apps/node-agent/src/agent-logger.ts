import pino, { type Logger } from 'pino';

/** What the agent logs through; pino by default, anything with these methods in embedders. */
export interface AgentLogger {
  debug(message: string, context?: Record<string, unknown>): void;
  info(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

export function createAgentLogger(level: string, bindings: Record<string, unknown> = {}): AgentLogger {
  return fromPino(
    pino({
      name: 'node-agent',
      level,
      base: { pid: process.pid, ...bindings },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: ['token', '*.token', 'authorization', '*.authorization'], censor: '[redacted]' },
    }),
  );
}

export function fromPino(logger: Logger): AgentLogger {
  return {
    debug: (message, context) => logger.debug(context ?? {}, message),
    info: (message, context) => logger.info(context ?? {}, message),
    warn: (message, context) => logger.warn(context ?? {}, message),
    error: (message, context) => logger.error(context ?? {}, message),
  };
}

/** A logger that adds `context` to every line (an agent's node id, say). */
export function withContext(logger: AgentLogger, context: Record<string, unknown>): AgentLogger {
  return {
    debug: (message, extra) => logger.debug(message, { ...context, ...extra }),
    info: (message, extra) => logger.info(message, { ...context, ...extra }),
    warn: (message, extra) => logger.warn(message, { ...context, ...extra }),
    error: (message, extra) => logger.error(message, { ...context, ...extra }),
  };
}

export const silentLogger: AgentLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
