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

/** Security headers and `X-Request-Id` on every response, errors included. */
export function registerResponseHeaders(server: FastifyInstance, options: { https: boolean }): void {
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
