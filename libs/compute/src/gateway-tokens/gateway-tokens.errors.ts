import { defineErrors } from '@statemesh/common';

export const GatewayTokenErrors = defineErrors({
  'gateway.unauthenticated': { status: 401, title: 'A gateway token is required' },
  'gateway.invalid_zones': { status: 422, title: 'The token names zones that do not exist' },
});
