import { defineErrors } from '@statemesh/common';

/**
 * Error codes of account secrets. Details and extensions name secrets (names
 * are not secret) and template positions at most: never a value.
 */
export const SecretsErrors = defineErrors({
  'secret.name_taken': { status: 409, title: 'A secret with this name already exists' },
  'secret.unknown_secret': { status: 422, title: 'No secret with this name' },
  'secret.template_invalid_reference': { status: 422, title: 'Malformed secret reference in the template' },
  'secret.template_misplaced_reference': { status: 422, title: 'A secret reference must be a whole YAML value' },
});

export type SecretsErrorCode = keyof typeof SecretsErrors;
