import { DomainError, defineErrors } from './domain-error';

/** Errors of the HTTP contract itself, shared by every route. */
export const CommonErrors = defineErrors({
  'request.validation_failed': { status: 400, title: 'The request is not valid' },
  'request.malformed_json': { status: 400, title: 'The request body is not valid JSON' },
  'request.invalid_cursor': { status: 400, title: 'The pagination cursor is not valid' },
  'request.unsupported_media_type': { status: 415, title: 'Unsupported media type' },
  'request.payload_too_large': { status: 413, title: 'The request body is too large' },
  'request.precondition_failed': { status: 412, title: 'The resource has changed' },
  'request.timeout': { status: 408, title: 'The wait timed out' },
  'request.invalid': { status: 422, title: 'The request cannot be processed' },
  'auth.unauthenticated': { status: 401, title: 'Authentication required' },
  'auth.forbidden': { status: 403, title: 'Not allowed' },
  'route.not_found': { status: 404, title: 'No such route' },
  'resource.not_found': { status: 404, title: 'Not found' },
  'resource.conflict': { status: 409, title: 'Conflict' },
  'method.not_allowed': { status: 405, title: 'Method not allowed' },
  'idempotency.key_reused': { status: 422, title: 'Idempotency key reused with a different request' },
  'idempotency.in_progress': { status: 409, title: 'A request with this idempotency key is in progress' },
  'idempotency.invalid_key': { status: 400, title: 'The idempotency key is not valid' },
  'rate_limit.exceeded': { status: 429, title: 'Too many requests' },
  'service.unavailable': { status: 503, title: 'Service unavailable' },
  internal: { status: 500, title: 'Internal error' },
});

/** The answer for anything missing — and for anything in an account the caller cannot see. */
export function notFound(what: string): DomainError {
  return new DomainError(CommonErrors['resource.not_found'], `${what} was not found`);
}
