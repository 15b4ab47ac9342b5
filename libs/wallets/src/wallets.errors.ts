import { defineErrors } from '@statemesh/common';

export const WalletErrors = defineErrors({
  'wallet.insufficient_funds': { status: 402, title: 'The wallet cannot cover this' },
  'wallet.invalid_time_range': { status: 422, title: 'Invalid time range' },
  'ledger.reference_required': { status: 422, title: 'A reference or an Idempotency-Key is required' },
  'ledger.reference_conflict': { status: 409, title: 'The reference was already used for a different movement' },
  'webhook.invalid_signature': { status: 401, title: 'Invalid webhook signature' },
  'webhook.stale_timestamp': { status: 401, title: 'Webhook timestamp outside the tolerance' },
  'deposit.unknown_account': { status: 422, title: 'No account with that id' },
  'deposit.currency_mismatch': { status: 422, title: 'Deposit in another currency' },
  'price.invalid_effective_from': { status: 422, title: 'A price list takes effect at the start of a future hour' },
  'price.version_exists': { status: 409, title: 'A price list already takes effect at that hour' },
  'price.version_in_effect': { status: 409, title: 'The price list is already in effect' },
  'price.invalid_list': { status: 422, title: 'The price list is incomplete or inconsistent' },
  'price.no_current_list': { status: 404, title: 'No price list is in effect' },
});
