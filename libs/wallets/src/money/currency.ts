/**
 * The one currency of the platform. Every amount — balances, prices, ledger
 * entries — is an integer number of micro-units of it (1 USD = 1,000,000),
 * written in JSON as a decimal string.
 */
export const WALLET_CURRENCY = 'USD';
