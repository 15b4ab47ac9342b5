import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

function lowerFirst(value: string): string {
  return value.charAt(0).toLowerCase() + value.slice(1);
}

/** `VmsController.create` → `vmsCreate`: stable operation ids, which become SDK function names. */
export function operationId(controllerKey: string, methodKey: string): string {
  const controller = lowerFirst(controllerKey.replace(/Controller$/, ''));
  return `${controller}${methodKey.charAt(0).toUpperCase()}${methodKey.slice(1)}`;
}

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('StateMesh control plane API')
    .setDescription(
      [
        'Accounts, wallets, nodes, virtual machines, volumes and entrypoints of the StateMesh decentralized cloud.',
        '',
        'Errors are RFC 9457 `application/problem+json` with a stable `code`. Lists take `limit` and `cursor` and answer',
        '`{items, nextCursor}`. POSTs accept an `Idempotency-Key`. Single resources carry an `ETag`; send it back as',
        '`If-Match` on PATCH/DELETE. Every response has an `X-Request-Id`.',
      ].join('\n'),
    )
    .setVersion('1.0.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT or smk_ API token', description: 'Access JWT from login, or an API token.' }, 'bearer')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Node session token from POST /agent/v1/sessions (agent routes only).' },
      'node-session',
    )
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'smg_ gateway token', description: 'Gateway token issued by a platform admin (gateway routes only).' },
      'gateway-token',
    )
    .build();
  const document = SwaggerModule.createDocument(app, config, { operationIdFactory: operationId });
  return sortDocument(document);
}

/** Deterministic key order so the committed document only changes when the API does. */
function sortDocument(document: OpenAPIObject): OpenAPIObject {
  const sortKeys = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sortKeys);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.keys(value as Record<string, unknown>)
          .sort()
          .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
      );
    }
    return value;
  };
  return {
    ...document,
    paths: sortKeys(document.paths) as OpenAPIObject['paths'],
    components: sortKeys(document.components) as OpenAPIObject['components'],
  };
}
