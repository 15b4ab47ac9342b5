/**
 * Encrypts stored idempotent responses: some of them carry credentials shown
 * once (a new API token, a session's tokens), which must not sit in the
 * database in the clear. `context` binds a sealed body to its caller and key.
 */
export interface ResponseSealer {
  seal(body: string, context: string): string;
  open(sealed: string, context: string): string;
}

export const RESPONSE_SEALER = Symbol('ResponseSealer');
