/**
 * What the HTTP conventions need to know about the caller: a stable key to
 * scope idempotency records and rate limits. Identity attaches the full
 * principal (which always carries this key) to the request.
 */
export interface PrincipalRef {
  key: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: PrincipalRef;
  }
}
