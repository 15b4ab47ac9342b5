import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { CommonErrors, DomainError, type FieldError } from '@statemesh/common';

/** Flattens class-validator's nested errors into `{field, code, message}` with dotted/indexed paths. */
export function toFieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const result: FieldError[] = [];
  for (const error of errors) {
    const isIndex = /^\d+$/.test(error.property);
    const field = parent ? (isIndex ? `${parent}[${error.property}]` : `${parent}.${error.property}`) : error.property;
    for (const [constraint, message] of Object.entries(error.constraints ?? {})) {
      result.push({
        field,
        code: constraint === 'whitelistValidation' ? 'unknown_field' : constraint,
        message: constraint === 'whitelistValidation' ? `${field} is not a known field` : message,
      });
    }
    if (error.children?.length) result.push(...toFieldErrors(error.children, field));
  }
  return result;
}

/**
 * Unknown fields and wrong types answer 400 with every field problem listed;
 * payloads are transformed into their DTO classes.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fieldErrors = toFieldErrors(errors);
      const fields = [...new Set(fieldErrors.map((error) => error.field))];
      return new DomainError(
        CommonErrors['request.validation_failed'],
        `The request has ${fieldErrors.length} problem(s) in: ${fields.join(', ')}.`,
        {},
        fieldErrors,
      );
    },
  });
}
