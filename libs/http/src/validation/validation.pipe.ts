import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
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

/** A NUL, or half of a surrogate pair: text no column can store (PostgreSQL refuses both). */
const UNSTORABLE_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The fields of a parsed JSON value (keys included) whose text cannot be stored, as field errors. */
export function unstorableTextProblems(value: unknown, path = ''): FieldError[] {
  if (typeof value === 'string') {
    return UNSTORABLE_TEXT.test(value) ? [{ field: path || 'body', code: 'invalid_text', message: `${path || 'body'} holds a NUL character or an unpaired surrogate` }] : [];
  }
  if (Array.isArray(value)) return value.flatMap((item, index) => unstorableTextProblems(item, `${path}[${index}]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => {
      const field = path ? `${path}.${key}` : key;
      return UNSTORABLE_TEXT.test(key) ? [{ field, code: 'invalid_text', message: 'a field name holds a NUL character or an unpaired surrogate' }] : unstorableTextProblems(item, field);
    });
  }
  return [];
}

function validationFailed(fieldErrors: FieldError[]): DomainError {
  const fields = [...new Set(fieldErrors.map((error) => error.field))];
  return new DomainError(CommonErrors['request.validation_failed'], `The request has ${fieldErrors.length} problem(s) in: ${fields.join(', ')}.`, {}, fieldErrors);
}

/** Refuses text that cannot be stored before the DTO checks, so that it answers 400 and never reaches the database. */
class StatemeshValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') {
      const problems = unstorableTextProblems(value);
      if (problems.length > 0) throw validationFailed(problems);
    }
    return super.transform(value, metadata);
  }
}

/**
 * Unknown fields and wrong types answer 400 with every field problem listed,
 * as does text no column can store; payloads are transformed into their DTO
 * classes.
 */
export function createValidationPipe(): ValidationPipe {
  return new StatemeshValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationFailed(toFieldErrors(errors)),
  });
}
