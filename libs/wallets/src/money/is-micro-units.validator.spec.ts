import { validateSync } from 'class-validator';
import { IsMicroUnits } from './is-micro-units.validator';

class Price {
  @IsMicroUnits()
  amount: unknown;
}

class Charge {
  @IsMicroUnits({ positive: true })
  amount: unknown;
}

function valid<T extends object>(type: new () => T, amount: unknown): boolean {
  return validateSync(Object.assign(new type(), { amount })).length === 0;
}

describe('IsMicroUnits', () => {
  it('accepts canonical non-negative decimal strings', () => {
    for (const amount of ['0', '1', '1500000', '999999999999999999']) expect(valid(Price, amount)).toBe(true);
  });

  it('refuses numbers, negatives, decimals and non-canonical spellings', () => {
    for (const amount of [1500000, '-1', '1.5', '01', '+1', ' 1', '1e6', '', '1000000000000000000', null, undefined]) {
      expect(valid(Price, amount)).toBe(false);
    }
  });

  it('refuses zero where an amount must move money', () => {
    expect(valid(Charge, '0')).toBe(false);
    expect(valid(Charge, '1')).toBe(true);
    const [error] = validateSync(Object.assign(new Charge(), { amount: '0' }));
    expect(Object.values(error.constraints!)[0]).toContain('a positive integer number of micro-units');
  });
});
