import { ConsoleLogger, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig, ConfigError, loadConfig } from '@statemesh/config';
import { OutboxRelay, ProcessorRegistry } from '@statemesh/queue';
import { nestLogLevels } from './nest-log-levels';
import { WorkerModule } from './worker.module';

const logger = new Logger('Worker');

function configOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

async function bootstrap(): Promise<void> {
  // Validated before Nest starts so a bad environment prints one clean list of problems.
  const config = configOrExit();
  const levels = nestLogLevels(config.log.level);
  const app = await NestFactory.createApplicationContext(WorkerModule, {
    // Nest's per-module start-up lines are below `warn`; the worker prints its own single line.
    logger: levels.filter((level) => level === 'fatal' || level === 'error' || level === 'warn'),
    abortOnError: false,
  });
  app.useLogger(new ConsoleLogger({ logLevels: levels }));
  // SIGTERM/SIGINT: stop the relay and the workers (running jobs finish), close Redis and PostgreSQL, exit 0.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  app.get(OutboxRelay).start();
  const queues = app.get(ProcessorRegistry).queues;
  const processing = queues.join(', ') || 'no queues';
  logger.log(
    `worker started: processing ${processing}; relaying the outbox on commit and every ${config.outbox.pollIntervalMs} ms` +
      ` (Redis prefix "${config.redis.prefix}")`,
  );
}

bootstrap().catch((error: unknown) => {
  const reason = error instanceof Error ? error : new Error(String(error));
  logger.error(`worker failed to start: ${reason.message}`, reason.stack);
  process.exit(1);
});
