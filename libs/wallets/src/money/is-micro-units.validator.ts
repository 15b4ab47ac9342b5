import { ValidateBy, buildMessage, type ValidationOptions } from 'class-validator';
import { isMicroUnits } from '@statemesh/billing';

/**
 * A decimal string of micro-units in canonical form ("1500000"), never
 * negative; with `positive`, never zero either. Amounts travel as strings so
 * that no client rounds them through a float.
 */
export function IsMicroUnits(options: { positive?: boolean } = {}, validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isMicroUnits',
      validator: {
        validate: (value: unknown) => isMicroUnits(value) && !(options.positive && value === '0'),
        defaultMessage: buildMessage(
          (each) =>
            `${each}$property must be ${options.positive ? 'a positive' : 'a non-negative'} integer number of micro-units as a decimal string, e.g. "1500000"`,
          validationOptions,
        ),
      },
    },
    validationOptions,
  );
}
