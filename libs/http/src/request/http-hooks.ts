import type { FastifyInstance } from 'fastify';

const API_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cache-control': 'no-store',
};

// Swagger UI needs its own scripts and styles.
const DOCS_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'",
};

const JSON_MEDIA_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;

function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  const length = headers['content-length'];
  return (length !== undefined && length !== '0') || headers['transfer-encoding'] !== undefined;
}

/** Fastify refuses other media types the same way; this error takes that path to the problem filter. */
function unsupportedMediaType(): Error {
  return Object.assign(new Error('Send request bodies as application/json.'), {
    name: 'FastifyError',
    statusCode: 415,
    code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
  });
}

/**
 * Request and response rules for every route, errors included: JSON is the
 * only request body format; every response carries `X-Request-Id` and the
 * security headers.
 */
export function registerHttpHooks(server: FastifyInstance, options: { https: boolean }): void {
  server.addHook('onRequest', async (request) => {
    if (!hasBody(request.headers)) return;
    const contentType = request.headers['content-type'];
    if (typeof contentType !== 'string' || !JSON_MEDIA_TYPE.test(contentType)) throw unsupportedMediaType();
  });
  server.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-request-id', request.id);
    const headers = request.url.startsWith('/docs') ? DOCS_HEADERS : API_HEADERS;
    for (const [name, value] of Object.entries(headers)) {
      if (!reply.hasHeader(name)) reply.header(name, value);
    }
    if (options.https) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    return payload;
  });
}
