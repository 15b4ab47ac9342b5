/** The API could not be reached, or answered that it cannot serve now (5xx, 429): retry later. */
export class ApiUnavailableError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ApiUnavailableError';
  }
}

/** The API refused the request (4xx): a problem document with a stable code. */
export class ApiProblemError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly problem: Record<string, unknown>,
  ) {
    super(`${status} ${code}: ${detail}`);
    this.name = 'ApiProblemError';
  }
}
