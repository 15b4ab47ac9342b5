/** How one error code reads on the wire: its HTTP status and short title. */
export interface ErrorDefinition {
  readonly status: number;
  readonly title: string;
}

export type DefinedError<Code extends string = string> = ErrorDefinition & { readonly code: Code };

/** A field-level problem, as listed in a validation problem's `errors`. */
export interface FieldError {
  field: string;
  code: string;
  message: string;
}

/**
 * Declares a bounded context's error codes next to the code that throws them.
 * Codes are stable, machine-readable strings (`vm.name_taken`); clients rely on them.
 */
export function defineErrors<const T extends Record<string, ErrorDefinition>>(
  definitions: T,
): { readonly [Code in keyof T & string]: DefinedError<Code> } {
  const result: Record<string, DefinedError> = {};
  for (const [code, definition] of Object.entries(definitions)) result[code] = { ...definition, code };
  return result as { readonly [Code in keyof T & string]: DefinedError<Code> };
}

/**
 * The one error type domain code throws. The HTTP layer maps it to an RFC 9457
 * problem document; `detail` must never contain secrets.
 */
export class DomainError extends Error {
  constructor(
    readonly error: DefinedError,
    readonly detail: string,
    readonly extensions: Record<string, unknown> = {},
    readonly fieldErrors?: FieldError[],
  ) {
    super(detail);
    this.name = 'DomainError';
  }

  get code(): string {
    return this.error.code;
  }

  get status(): number {
    return this.error.status;
  }
}
