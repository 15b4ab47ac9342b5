import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadConfigOrExit } from '@statemesh/config';
import { PinoNestLogger, createLogger } from '@statemesh/observability';
import { OutboxRelay, ProcessorRegistry } from '@statemesh/queue';
import { WorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  // Validated before Nest starts so a bad environment prints one clean list of problems.
  const config = loadConfigOrExit();
  const logger = createLogger(config, 'worker');
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  // SIGTERM/SIGINT: stop the relay and the workers (running jobs finish), close Redis and PostgreSQL, exit 0.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  app.get(OutboxRelay).start();
  const queues = app.get(ProcessorRegistry).queues;
  logger.info(
    `worker started: processing ${queues.join(', ') || 'no queues'}; relaying the outbox on commit and every ` +
      `${config.outbox.pollIntervalMs} ms (Redis prefix "${config.redis.prefix}")`,
  );
}

bootstrap().catch((error: unknown) => {
  const reason = error instanceof Error ? error : new Error(String(error));
  process.stderr.write(`worker failed to start: ${reason.stack ?? reason.message}\n`);
  process.exit(1);
});
