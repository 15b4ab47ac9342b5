/**
 * Money is an integer number of micro-units (1 unit = 1,000,000 micro-units)
 * held in a bigint, so sums are exact. On the wire it is a decimal string of
 * micro-units ("1500000" is 1.5 units): JSON numbers lose precision beyond
 * 2^53 and invite floating-point arithmetic in clients.
 */

export const MICRO_PER_UNIT = 1_000_000n;

/**
 * The largest magnitude accepted from outside: 10^18 - 1 micro-units (about a
 * trillion units). It fits PostgreSQL's bigint with room to add several such
 * amounts, and is far beyond any real balance, so anything larger is a mistake.
 */
export const MAX_MICRO_UNITS = 999_999_999_999_999_999n;

const MICRO_UNITS_TEXT = /^(-?)(0|[1-9][0-9]*)$/;
const UNITS_TEXT = /^(-?)(0|[1-9][0-9]*)(?:\.([0-9]{1,6}))?$/;
// Longer text is refused before it reaches BigInt, whatever it contains.
const MAX_TEXT_LENGTH = 64;

export interface AmountOptions {
  /** Negative amounts are refused unless allowed (balances and adjustments may be negative; prices never). */
  allowNegative?: boolean;
}

export class InvalidAmountError extends Error {
  readonly code = 'money.invalid_amount';

  constructor(message: string) {
    super(message);
    this.name = 'InvalidAmountError';
  }
}

/**
 * Reads a decimal string of micro-units. Only the canonical form is accepted —
 * digits, no leading zeros, no '+', no whitespace, no exponent, no "-0" — so
 * every amount has exactly one spelling and parse(format(x)) === x.
 */
export function parseMicroUnits(text: string, options: AmountOptions = {}): bigint {
  const match = typeof text === 'string' && text.length <= MAX_TEXT_LENGTH ? MICRO_UNITS_TEXT.exec(text) : null;
  if (match === null || text === '-0') {
    const expected = 'an integer number of micro-units as a string, e.g. "1500000"';
    throw new InvalidAmountError(`${describe(text)} is not an amount: expected ${expected}`);
  }
  const magnitude = BigInt(match[2]);
  return checked(match[1] === '-' ? -magnitude : magnitude, text, options);
}

export function isMicroUnits(text: unknown, options: AmountOptions = {}): text is string {
  try {
    parseMicroUnits(text as string, options);
    return true;
  } catch {
    return false;
  }
}

/** The wire form of an amount: its decimal string of micro-units. */
export function formatMicroUnits(value: bigint): string {
  return value.toString();
}

/** An amount for people: whole units with all six decimals, e.g. "1.500000", "-0.000001". */
export function formatUnits(value: bigint): string {
  const sign = value < 0n ? '-' : '';
  const magnitude = value < 0n ? -value : value;
  const fraction = (magnitude % MICRO_PER_UNIT).toString().padStart(6, '0');
  return `${sign}${magnitude / MICRO_PER_UNIT}.${fraction}`;
}

/**
 * Reads an amount written in units by a person (an operator crediting a
 * wallet): "12", "1.5", "0.000001". More than six decimals would need
 * rounding, which is refused rather than guessed.
 */
export function parseUnits(text: string, options: AmountOptions = {}): bigint {
  const match = typeof text === 'string' && text.length <= MAX_TEXT_LENGTH ? UNITS_TEXT.exec(text) : null;
  const magnitude = match && BigInt(match[2]) * MICRO_PER_UNIT + BigInt((match[3] ?? '').padEnd(6, '0'));
  if (match === null || magnitude === null || (match[1] === '-' && magnitude === 0n)) {
    const expected = 'a number of units with at most 6 decimals, e.g. "1.5"';
    throw new InvalidAmountError(`${describe(text)} is not an amount: expected ${expected}`);
  }
  return checked(match[1] === '-' ? -magnitude : magnitude, text, options);
}

function checked(value: bigint, text: string, { allowNegative = false }: AmountOptions): bigint {
  if (value < 0n && !allowNegative) throw new InvalidAmountError(`${describe(text)} is negative`);
  if (value > MAX_MICRO_UNITS || value < -MAX_MICRO_UNITS) {
    throw new InvalidAmountError(`${describe(text)} is larger than ${MAX_MICRO_UNITS} micro-units`);
  }
  return value;
}

function describe(text: unknown): string {
  if (typeof text !== 'string') return `a ${typeof text}`;
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
