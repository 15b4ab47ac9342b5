import 'reflect-metadata';
import { ConfigError, loadConfig, type AppConfig } from '@statemesh/config';
import { createLogger } from '@statemesh/observability';
import { createApiApp } from './create-api-app';

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config, 'api');
  const app = await createApiApp({ config, logger });
  await app.listen({ port: config.http.port, host: config.http.host });
  logger.info({ url: config.http.publicUrl }, `API listening on ${config.http.host}:${config.http.port}`);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
