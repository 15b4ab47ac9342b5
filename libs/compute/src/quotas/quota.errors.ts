import { defineErrors } from '@statemesh/common';

export const QuotaErrors = defineErrors({
  'quota.invalid': { status: 422, title: 'The quota is not valid' },
  'quota.exceeded': { status: 422, title: 'The account quota does not allow this' },
});
