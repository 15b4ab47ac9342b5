import type { Logger } from '@nestjs/common';

/**
 * Reports an outage as two lines, one when it starts and one when it ends,
 * however many attempts fail in between: a Redis or PostgreSQL restart must
 * not bury the rest of the log under identical warnings.
 */
export class OutageLog {
  private failures = 0;

  constructor(
    private readonly logger: Logger,
    private readonly what: string,
    private readonly consequence: string,
  ) {}

  get isDown(): boolean {
    return this.failures > 0;
  }

  failed(error: unknown): void {
    this.failures += 1;
    if (this.failures === 1) this.logger.warn(`${this.what} failed: ${describe(error)}; ${this.consequence}`);
  }

  recovered(): void {
    if (this.failures === 0) return;
    this.logger.log(`${this.what} recovered after ${this.failures} failed attempt(s)`);
    this.failures = 0;
  }
}

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describe(error.errors[0]);
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
