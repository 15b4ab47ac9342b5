import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { AppConfig } from '@statemesh/config';
import { createValidationPipe, registerHttpHooks, requestIdFor } from '@statemesh/http';
import { MetricsService, PinoNestLogger } from '@statemesh/observability';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { buildOpenApiDocument } from './openapi-document';

export interface CreateApiAppOptions {
  config: AppConfig;
  logger: Logger;
  /** Build the module graph without instantiating providers (no database or Redis): for OpenAPI generation. */
  preview?: boolean;
}

/** Builds the API application exactly as it serves: used by main, the tests and the OpenAPI generator. */
export async function createApiApp({ config, logger, preview = false }: CreateApiAppOptions): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: config.http.trustProxy,
    genReqId: requestIdFor,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: new PinoNestLogger(logger),
    preview,
    abortOnError: false,
    bufferLogs: false,
    // Keeps each JSON body's bytes as `request.rawBody`: webhook signatures
    // are computed over the exact bytes, which re-serialising cannot reproduce.
    rawBody: true,
  });
  app.useGlobalPipes(createValidationPipe());

  const server = adapter.getInstance();
  registerHttpHooks(server, { https: config.http.publicUrl.startsWith('https:') });
  if (!preview) {
    const metrics = app.get(MetricsService);
    server.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      const seconds = reply.elapsedTime / 1000;
      metrics.httpDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, seconds);
      logger.info(
        { requestId: request.id, method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
        'request completed',
      );
    });
  }

  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json', yamlDocumentUrl: 'openapi.yaml' });
  return app;
}
