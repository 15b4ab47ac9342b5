import type { ApiPropertyOptions } from '@nestjs/swagger';

/** OpenAPI description of an amount: a decimal string of micro-units. */
export function moneyProperty(description: string, options: { signed?: boolean; example?: string } = {}): ApiPropertyOptions {
  return {
    type: String,
    pattern: options.signed ? '^(0|-?[1-9][0-9]*)$' : '^(0|[1-9][0-9]*)$',
    example: options.example ?? '1500000',
    description: `${description} Micro-units (1,000,000 per currency unit) as a decimal string.`,
  };
}
