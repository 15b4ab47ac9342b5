import 'reflect-metadata';
import { loadConfigOrExit } from '@statemesh/config';
import { createLogger } from '@statemesh/observability';
import { createApiApp } from './create-api-app';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config, 'api');
  const app = await createApiApp({ config, logger });
  await app.listen({ port: config.http.port, host: config.http.host });
  logger.info({ url: config.http.publicUrl }, `API listening on ${config.http.host}:${config.http.port}`);

  // Graceful shutdown: stop accepting connections, let in-flight requests
  // finish, run every module's shutdown hooks (database pool, Redis), exit 0.
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      logger.info(`${signal}: draining and shutting down`);
      app
        .close()
        .then(() => process.exit(0))
        .catch((error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        });
    });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
