import * as fc from 'fast-check';
import {
  InvalidAmountError,
  MAX_MICRO_UNITS,
  formatMicroUnits,
  formatUnits,
  isMicroUnits,
  parseMicroUnits,
  parseUnits,
} from './micro-units';

const amount = fc.bigInt({ min: -MAX_MICRO_UNITS, max: MAX_MICRO_UNITS });

describe('parseMicroUnits', () => {
  it.each([
    ['0', 0n],
    ['1', 1n],
    ['1500000', 1_500_000n],
    ['999999999999999999', MAX_MICRO_UNITS],
  ])('reads %s', (text, value) => {
    expect(parseMicroUnits(text)).toBe(value);
  });

  it('reads negative amounts only when allowed', () => {
    expect(parseMicroUnits('-250', { allowNegative: true })).toBe(-250n);
    expect(() => parseMicroUnits('-250')).toThrow(InvalidAmountError);
    expect(() => parseMicroUnits('-250')).toThrow('is negative');
  });

  it.each([
    '',
    ' ',
    '+1',
    '-0',
    '01',
    '00',
    '1.5',
    '1.0',
    '1e6',
    '0x10',
    ' 1',
    '1 ',
    '1_000',
    '1,000',
    '١٢٣',
    'NaN',
    'Infinity',
    '--1',
    '-',
    '1000000000000000000',
    '-1000000000000000000',
    '9'.repeat(100),
  ])('refuses %j', (text) => {
    expect(() => parseMicroUnits(text, { allowNegative: true })).toThrow(InvalidAmountError);
    expect(isMicroUnits(text, { allowNegative: true })).toBe(false);
  });

  it('refuses values that are not strings', () => {
    for (const value of [1500000, 1500000n, null, undefined, {}]) {
      expect(() => parseMicroUnits(value as unknown as string)).toThrow(InvalidAmountError);
    }
  });

  it('says which amount was wrong, with a stable code', () => {
    let error: InvalidAmountError | undefined;
    try {
      parseMicroUnits('12.50');
    } catch (thrown) {
      error = thrown as InvalidAmountError;
    }
    expect(error?.code).toBe('money.invalid_amount');
    expect(error?.message).toContain('"12.50"');
  });

  it('reports amounts beyond the bound as too large', () => {
    expect(() => parseMicroUnits('1000000000000000000')).toThrow('larger than');
  });
});

describe('formatting', () => {
  it.each([
    [0n, '0', '0.000000'],
    [1n, '1', '0.000001'],
    [1_500_000n, '1500000', '1.500000'],
    [-1n, '-1', '-0.000001'],
    [-2_000_001n, '-2000001', '-2.000001'],
    [MAX_MICRO_UNITS, '999999999999999999', '999999999999.999999'],
  ])('%p is %s on the wire and %s for people', (value, wire, human) => {
    expect(formatMicroUnits(value)).toBe(wire);
    expect(formatUnits(value)).toBe(human);
  });
});

describe('parseUnits', () => {
  it.each([
    ['0', 0n],
    ['12', 12_000_000n],
    ['1.5', 1_500_000n],
    ['0.000001', 1n],
    ['999999999999.999999', MAX_MICRO_UNITS],
  ])('reads %s', (text, value) => {
    expect(parseUnits(text)).toBe(value);
  });

  it.each(['', '.5', '1.', '1.0000001', '+1', '-0', '-0.000', '01.5', '1,5', '1e3', '1000000000000'])(
    'refuses %j',
    (text) => {
      expect(() => parseUnits(text, { allowNegative: true })).toThrow(InvalidAmountError);
    },
  );

  it('reads negative amounts only when allowed', () => {
    expect(parseUnits('-0.5', { allowNegative: true })).toBe(-500_000n);
    expect(() => parseUnits('-0.5')).toThrow('is negative');
  });
});

describe('money properties', () => {
  it('parse(format(x)) === x on the wire', () => {
    fc.assert(
      fc.property(amount, (value) => {
        expect(parseMicroUnits(formatMicroUnits(value), { allowNegative: true })).toBe(value);
      }),
    );
  });

  it('format(parse(s)) === s: every amount has one spelling', () => {
    fc.assert(
      fc.property(amount, (value) => {
        const text = formatMicroUnits(value);
        expect(formatMicroUnits(parseMicroUnits(text, { allowNegative: true }))).toBe(text);
      }),
    );
  });

  it('parseUnits(formatUnits(x)) === x', () => {
    fc.assert(
      fc.property(amount, (value) => {
        expect(parseUnits(formatUnits(value), { allowNegative: true })).toBe(value);
      }),
    );
  });

  it('refuses every number spelled with a leading plus, zeros or a fraction', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: MAX_MICRO_UNITS }), fc.constantFrom('+', '0', '00'), (value, prefix) => {
        expect(isMicroUnits(`${prefix}${value}`)).toBe(false);
        expect(isMicroUnits(`${value}.0`)).toBe(false);
      }),
    );
  });
});
