import { ValidateIf } from 'class-validator';

/**
 * An optional field that is validated whenever it is present, null included:
 * unlike `@IsOptional()`, `null` for a field that cannot be null is a 400.
 */
export const IfGiven = () => ValidateIf((_object: unknown, value: unknown) => value !== undefined);
